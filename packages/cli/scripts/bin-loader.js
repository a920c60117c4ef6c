#!/usr/bin/env node
// The `flotilla` executable: runs the bundle (chunks/flotilla.cjs) through vm.Script with V8's
// code cache, so a run compiles almost nothing. The cache lives beside the bundle when that is
// writable (else in the temp directory), is keyed by the bundle's size and mtime and the Node
// version, and is rewritten when V8 rejects it or the run compiled code the cache lacked.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { Script } from "node:vm";

// undici parses HTTP with llhttp compiled to WebAssembly. V8 would also optimise it on background
// threads, and exit waits for those: ~100 ms of every run, for a speed-up no CLI run lasts long
// enough to see. The baseline compiler alone is plenty for a command line.
setFlagsFromString("--liftoff-only");

const bundle = join(dirname(fileURLToPath(import.meta.url)), "chunks/flotilla.cjs");
const source = readFileSync(bundle, "utf8").replace(/^#!.*/, "");
const stat = statSync(bundle);
const key = `${stat.size}-${Math.trunc(stat.mtimeMs)}-${process.version}`;
const candidates = [
  join(dirname(bundle), ".cache"),
  join(tmpdir(), `flotilla-${process.getuid?.() ?? "user"}`),
];
let cached;
for (const dir of candidates) {
  try {
    cached = readFileSync(join(dir, `${key}.v8`));
    break;
  } catch {}
}
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData: cached,
});
const stale = cached === undefined || script.cachedDataRejected === true;
// A first run with an old cache compiled what the cache lacked; save once after the command ran.
globalThis.flotillaBeforeExit = () => {
  if (!stale) return;
  const data = script.createCachedData();
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true });
      const temp = join(dir, `${key}.${process.pid}.tmp`);
      writeFileSync(temp, data);
      renameSync(temp, join(dir, `${key}.v8`));
      return;
    } catch {}
  }
};
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
