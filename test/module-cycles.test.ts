import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findCycle, moduleGraph } from "./architecture/dependency-graph.js";

// Within a package, modules import one way too: a cycle (even through a type import or a lazy
// import()) means two modules are one design split in two, and one of them should own what
// both need.

const packagesDir = fileURLToPath(new URL("../packages", import.meta.url));

describe("no import cycle between the modules of a package", () => {
  it.each(readdirSync(packagesDir))("%s", (name) => {
    expect(findCycle(moduleGraph(join(packagesDir, name)))).toBeUndefined();
  });

  it("finds a cycle through a type import", () => {
    const files: Record<string, string> = {
      "/p/src/a.ts": 'import type { B } from "./b.js";',
      "/p/src/b.ts": 'import { a } from "./a.js";',
    };
    const graph = moduleGraph(
      "/p",
      (path) => files[path] ?? "",
      () => Object.keys(files),
    );
    expect(findCycle(graph)).toEqual(["src/a.ts", "src/b.ts", "src/a.ts"]);
  });
});
