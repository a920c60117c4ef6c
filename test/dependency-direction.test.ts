import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ALLOWED, checkPackage, findCycle, importSpecifiers } from "./architecture/dependency-graph.js";

const packagesDir = fileURLToPath(new URL("../packages", import.meta.url));
const packages = readdirSync(packagesDir);

describe("the dependency direction types <- transport <- client <- cli, testing -> types, transport", () => {
  // The cycle check counts test-only edges too (client's tests use the fake swarm): that is what
  // keeps the fake from ever depending on the client.
  it("knows every package in packages/", () => {
    expect(packages.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it.each(packages)("holds for everything %s imports", (name) => {
    const { violations } = checkPackage(packagesDir, name);
    expect(violations).toEqual([]);
  });

  it("leaves no cycle between packages", () => {
    const graph = new Map(packages.map((name) => [name, checkPackage(packagesDir, name).uses]));
    expect(findCycle(graph)).toBeUndefined();
  });
});

describe("the checker itself", () => {
  const files: Record<string, string> = {
    "/p/transport/package.json": JSON.stringify({ dependencies: { "@flotilla/types": "workspace:*" } }),
    "/p/transport/src/a.ts": 'import { Client } from "@flotilla/client";\nexport * from "./b.js";',
    "/p/transport/src/b.ts": 'const m = await import("../../client/src/index.js");',
  };
  const read = (path: string) => files[path] ?? "";
  const list = () => ["/p/transport/src/a.ts", "/p/transport/src/b.ts"];

  it("reports an import against the direction, and a relative reach into another package", () => {
    const { violations } = checkPackage("/p", "transport", read, list);
    expect(violations.map((v) => v.message)).toEqual([
      'transport must not depend on client (imports "@flotilla/client")',
      'transport reaches outside its package with "../../client/src/index.js"',
    ]);
  });

  it("finds static, re-export, side-effect and dynamic imports", () => {
    const source = [
      'import type { A } from "x-type";',
      'import {\n  B,\n} from "x-multi";',
      'export { C } from "x-reexport";',
      'import "x-side";',
      'await import("x-dynamic");',
    ].join("\n");
    expect(importSpecifiers(source).sort()).toEqual([
      "x-dynamic",
      "x-multi",
      "x-reexport",
      "x-side",
      "x-type",
    ]);
  });

  it("lets tests of the client use the fake swarm, but not the client's source", () => {
    const withFake: Record<string, string> = {
      "/p/client/package.json": JSON.stringify({ devDependencies: { "@flotilla/testing": "workspace:*" } }),
      "/p/client/src/services.test.ts": 'import { createFakeSwarm } from "@flotilla/testing";',
      "/p/client/src/services.ts": 'import { createFakeSwarm } from "@flotilla/testing";',
    };
    const { violations } = checkPackage(
      "/p",
      "client",
      (path) => withFake[path] ?? "",
      () => ["/p/client/src/services.test.ts", "/p/client/src/services.ts"],
    );
    expect(violations.map((v) => v.file)).toEqual(["/p/client/src/services.ts"]);
  });

  it("finds a cycle", () => {
    const graph = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
    ]);
    expect(findCycle(graph)).toEqual(["a", "b", "c", "a"]);
  });
});
