// Bundles the `flotilla` executable into dist/bin.cjs (+ dist/chunks/); what the bundle leaves
// out or loads late, and why, is in scripts/bundle-config.mjs.
import { createHash } from "node:crypto";
import { chmod, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { chunk, root, trims, writeComposeSchema, writeParsers, writeUiAssets } from "./bundle-config.mjs";

// dist/ holds the bundle and nothing else: it is what the package ships (package.json "files").
await rm(join(root, "dist"), { recursive: true, force: true });
const result = await build({
  entryPoints: [join(root, "src/bin.ts")],
  outfile: join(root, "dist/chunks/flotilla.cjs"),
  ...chunk,
  conditions: ["@flotilla/source"],
  plugins: [trims],
  metafile: Boolean(process.env.FLOTILLA_BUNDLE_META),
});
await writeParsers();
await writeComposeSchema();
await writeUiAssets();
const bin = join(root, "dist/bin.cjs");
const buildId = createHash("sha256")
  .update(await readFile(join(root, "dist/chunks/flotilla.cjs")))
  .digest("hex")
  .slice(0, 16);
const loader = await readFile(join(root, "scripts/bin-loader.cjs"), "utf8");
if (!loader.includes('"FLOTILLA_BUILD_ID"'))
  throw new Error("bin-loader.cjs: no FLOTILLA_BUILD_ID to fill in");
await writeFile(bin, loader.replace('"FLOTILLA_BUILD_ID"', JSON.stringify(buildId)), { mode: 0o755 });
await chmod(bin, 0o755);
await build({
  entryPoints: [join(root, "../types/src/validate.ts")],
  outfile: join(root, "dist/chunks/validate.cjs"),
  ...chunk,
});

await build({
  entryPoints: [join(root, "../testing/src/index.ts")],
  outfile: join(root, "dist/chunks/testing.cjs"),
  ...chunk,
  conditions: ["@flotilla/source"],
  plugins: [trims],
});

// Nothing here may import(): bin.cjs compiles the bundle with vm.Script, which has no module
// loader for it, so an import() left in would reject on first use (as TLS once did).
for (const name of ["flotilla.cjs", "validate.cjs", "testing.cjs"]) {
  const text = await readFile(join(root, "dist/chunks", name), "utf8");
  const at = text.search(/\bimport\(/);
  if (at >= 0)
    throw new Error(`dist/chunks/${name}: import() left in the bundle: ${text.slice(at, at + 60)}`);
}

if (result.metafile) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(join(root, "dist/meta.json"), JSON.stringify(result.metafile));
}
