// The V8 start-up snapshot tried for issue 19 (not what ships; see BENCHMARKS.md, CLI start-up):
// builds the same bundle as dist/chunks/flotilla.cjs with an entry that, instead of running
// main(), hands it to v8.startupSnapshot, then has Node 20 build a snapshot blob of it.
//
//   node scripts/snapshot-experiment.mjs DIR [--preload]
//   node --snapshot-blob DIR/flotilla.blob service ls
//
// --preload also loads the client, the transport and `service ls` before the snapshot is taken
// (what a run would load anyway): on Node 20 that fails, as node:http cannot be loaded while a
// snapshot is built (its top level calls Array.prototype.toSorted, which the builder lacks).
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { chunk, root, trims, writeParsers } from "./bundle-config.mjs";

const dir = resolve(process.argv[2] ?? "snapshot-experiment");
const preload = process.argv.includes("--preload");
mkdirSync(dir, { recursive: true });
const warm = `void Promise.all([import("@flotilla/client"), import("@flotilla/transport"), import("./src/commands/service/register.ts"), import("./src/commands/service/ls.ts")]);`;
await build({
  stdin: {
    contents: `import { main } from "./src/main.ts";
${preload ? warm : ""}
const v8 = require("node:v8");
v8.startupSnapshot.setDeserializeMainFunction(() => {
  v8.setFlagsFromString("--liftoff-only"); // as bin.cjs does
  process.argv.splice(1, 0, ${JSON.stringify(join(dir, "flotilla"))}); // a snapshot's argv has no script
  void main();
});`,
    resolveDir: root,
    sourcefile: "snapshot-entry.ts",
    loader: "ts",
  },
  outfile: join(dir, "entry.cjs"),
  ...chunk,
  conditions: ["@flotilla/source"],
  plugins: [trims],
});
// The bundle reads undici's parsers from beside itself (__dirname is the builder's folder).
await writeParsers(dir);
execFileSync(
  process.execPath,
  ["--snapshot-blob", join(dir, "flotilla.blob"), "--build-snapshot", join(dir, "entry.cjs")],
  {
    stdio: "inherit",
  },
);
process.stdout.write(`${join(dir, "flotilla.blob")}\n`);
