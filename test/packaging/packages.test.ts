import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PackedPackage, packAll, root, run } from "./pack.js";

// What `pnpm release` publishes, checked with the ecosystem's own tools on each packed tarball:
// publint (package.json against the files), arethetypeswrong (types under node10, node16 from
// CJS and ESM, bundler), and `npm publish --dry-run` (what the registry would be sent).

const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const license = readFileSync(join(root, "LICENSE"), "utf8");
const attw = join(root, "node_modules/.bin/attw");
const dir = mkdtempSync(join(tmpdir(), "flotilla-pack-"));
let packed: PackedPackage[];

beforeAll(async () => {
  packed = await packAll(dir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const contents = (pkg: PackedPackage, file: string) => readFileSync(join(pkg.unpacked, file), "utf8");

describe("each published package", () => {
  it("is every workspace package", () => {
    expect(packed.map((p) => p.name).sort()).toEqual([
      "@flotilla/cli",
      "@flotilla/client",
      "@flotilla/testing",
      "@flotilla/transport",
      "@flotilla/types",
    ]);
  });

  it("ships the Apache-2.0 LICENSE and a README", () => {
    for (const pkg of packed) {
      expect(pkg.manifest.license, pkg.name).toBe("Apache-2.0");
      expect(pkg.files, pkg.name).toContain("LICENSE");
      expect(pkg.files, pkg.name).toContain("README.md");
      expect(contents(pkg, "LICENSE"), `${pkg.name} LICENSE`).toBe(license);
    }
  });

  it("names its repository, home page and issue tracker", () => {
    const url = rootManifest.repository.url;
    for (const pkg of packed) {
      expect(pkg.manifest.repository, pkg.name).toEqual({
        type: "git",
        url,
        directory: `packages/${pkg.folder}`,
      });
      expect(pkg.manifest.homepage, pkg.name).toMatch(/^https:\/\//);
      expect(pkg.manifest.bugs?.url, pkg.name).toMatch(/^https:\/\/.*\/issues$/);
    }
  });

  it("has a released version, and depends on its siblings' exact versions", () => {
    const versions = new Map(packed.map((p) => [p.name, p.manifest.version]));
    for (const pkg of packed) {
      const [major, minor] = pkg.manifest.version.split(".").map(Number);
      expect(major! > 0 || minor! >= 1, `${pkg.name}@${pkg.manifest.version}`).toBe(true);
      for (const [dep, range] of Object.entries(pkg.manifest.dependencies ?? {})) {
        expect(range, `${pkg.name} -> ${dep}`).not.toMatch(/^workspace:/);
        if (versions.has(dep)) expect(range, `${pkg.name} -> ${dep}`).toBe(versions.get(dep));
      }
    }
  });

  it("publishes exports without the workspace's source condition", () => {
    for (const pkg of packed) {
      const exported = JSON.stringify(pkg.manifest.exports ?? {});
      expect(exported, pkg.name).not.toContain("@flotilla/source");
      expect(exported, pkg.name).not.toContain("./src/");
    }
  });

  it("ships no source or declaration map that points at sources it does not ship", () => {
    for (const pkg of packed) {
      expect(
        pkg.files.filter((f) => f.endsWith(".map")),
        pkg.name,
      ).toEqual([]);
      for (const file of pkg.files.filter((f) => /\.(c?js|d\.ts)$/.test(f))) {
        expect(contents(pkg, file), `${pkg.name}/${file}`).not.toMatch(/sourceMappingURL=(?!data:)/);
      }
    }
  });

  it("passes publint with no error, warning or suggestion", async () => {
    for (const pkg of packed) {
      const tarball = readFileSync(pkg.tarball);
      const { messages, pkg: manifest } = await publint({
        pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.length) },
        level: "suggestion",
        strict: true,
      });
      expect(
        messages.map((m) => `${m.type}: ${formatMessage(m, manifest, { color: false })}`),
        pkg.name,
      ).toEqual([]);
    }
  });

  it("has types that resolve under node10, node16 and bundler (arethetypeswrong)", async () => {
    const results = await Promise.all(
      packed
        // The CLI exports no module (see "the CLI" below): attw has no entry point of it to check.
        .filter((pkg) => pkg.name !== "@flotilla/cli")
        .map(async (pkg) => {
          // attw exits 1 on any problem; the JSON says which.
          const { stdout } = await run(attw, [pkg.tarball, "--format", "json"]).catch((error) => error);
          const exported = Object.keys(pkg.manifest.exports as Record<string, unknown>);
          const entrypoints = exported.filter((entry) => entry !== "./package.json");
          return [pkg.name, JSON.parse(stdout).problems, entrypoints] as const;
        }),
    );
    for (const [name, problems, entrypoints] of results) {
      // attw does not know require(esm) yet (arethetypeswrong.github.io#252): it reports every
      // ES module entry point as "dynamic import only" from CommonJS under node16. Node >= 20.19
      // require()s them and TypeScript's nodenext allows it; install.test.ts runs and typechecks
      // exactly that. Anything else it finds is a defect.
      expect(problems, name).toEqual({
        CJSResolvesToESM: entrypoints.map((entrypoint) => ({
          kind: "CJSResolvesToESM",
          entrypoint,
          resolutionKind: "node16-cjs",
        })),
      });
    }
    // Four attw processes at once take 15-25 s on a 2-core machine that other jobs share.
  }, 90_000);

  it("goes through `npm publish --dry-run` as packed", async () => {
    await Promise.all(
      packed.map(async (pkg) => {
        const { stdout } = await run("npm", ["publish", "--dry-run", "--json", pkg.tarball], {
          env: { ...process.env, npm_config_loglevel: "error" },
        });
        const published = JSON.parse(stdout)[pkg.name];
        expect(published, pkg.name).toMatchObject({ name: pkg.name, version: pkg.manifest.version });
        expect(published.files.map((f: { path: string }) => f.path).sort(), pkg.name).toEqual(pkg.files);
      }),
    );
  });
});

describe("the CLI", () => {
  const cli = () => packed.find((p) => p.name === "@flotilla/cli")!;

  it("ships its bundle alone: the loader, the chunks, undici's parsers, the Compose schema and the UI's page", () => {
    expect(cli().files).toEqual([
      "LICENSE",
      "README.md",
      "dist/bin.cjs",
      "dist/chunks/compose.schema.json",
      "dist/chunks/flotilla.cjs",
      "dist/chunks/llhttp.wasm",
      "dist/chunks/llhttp_simd.wasm",
      "dist/chunks/testing.cjs",
      "dist/chunks/ui/app.js",
      "dist/chunks/ui/index.html",
      "dist/chunks/ui/style.css",
      "dist/chunks/validate.cjs",
      "package.json",
    ]);
  });

  it("exports no module, only its package.json: it is a command, and @flotilla/client is the library", () => {
    expect(cli().manifest.exports).toEqual({ "./package.json": "./package.json" });
    expect(cli().manifest).not.toHaveProperty("main");
    expect(cli().manifest).not.toHaveProperty("types");
  });

  it("depends at run time on ssh2 alone, which the bundle requires, as it requires nothing else", () => {
    // ssh2 builds optional native addons where it is installed (its crypto binding, cpu-features).
    expect(Object.keys(cli().manifest.dependencies ?? {})).toEqual(["ssh2"]);
    const required = new Set<string>();
    for (const file of cli().files.filter((f) => f.endsWith(".cjs"))) {
      // ajv keeps `require("ajv/dist/runtime/...")` as text (`equal.code = '...'`), for the
      // standalone code it can write: a string it never runs here, so a quote or backtick right
      // before it is no call.
      for (const [, name] of contents(cli(), file).matchAll(/(?<![`'])\brequire\("([^"]+)"\)/g))
        required.add(name!);
    }
    // yaml requires "buffer" and "process", builtins by their bare names.
    expect([...required].filter((name) => !name.startsWith("node:") && !isBuiltin(name)).sort()).toEqual([
      "./testing.cjs",
      "./validate.cjs",
      "ssh2",
    ]);
  });
});
