#!/usr/bin/env node
// The `flotilla` executable: runs the bundle (chunks/flotilla.cjs) through vm.Script with V8's
// code cache, so a run compiles almost nothing. The cache lives beside the bundle when that is
// writable (else in the temp directory), is keyed by the build and the Node version, and is
// rewritten when V8 rejects it or was made by a run that ran no command. The build ships one made
// by a `service ls` (see scripts/bundle.mjs), used when the Node version is the build's.
// It is CommonJS (.cjs in a "type": "module" package) because Node starts a CommonJS entry a few
// ms sooner than an ES module one: it skips the ES module loader.
"use strict";
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { tmpdir } = require("node:os");
const { dirname, join } = require("node:path");
const { setFlagsFromString } = require("node:v8");
const { Script } = require("node:vm");

// undici parses HTTP with llhttp compiled to WebAssembly. V8 would also optimise it on background
// threads, and exit waits for those: ~100 ms of every run, for a speed-up no CLI run lasts long
// enough to see. The baseline compiler alone is plenty for a command line.
setFlagsFromString("--liftoff-only");

const bundle = join(__dirname, "chunks/flotilla.cjs");
const source = readFileSync(bundle, "utf8").replace(/^#!.*/, "");
// The bundle's content hash, written in by scripts/bundle.mjs: a cache is for one build and one Node.
const build = "FLOTILLA_BUILD_ID";
const key = `${build}-${process.version}`;
const candidates = [
  join(dirname(bundle), ".cache"),
  join(tmpdir(), `flotilla-${process.getuid?.() ?? "user"}`),
];
// A cache made by a run that only parsed (--help, --version, a usage error) lacks the code every
// command runs (the client, undici), so it is kept apart and replaced by the first command's.
const names = { full: `${key}.v8`, partial: `${key}.partial.v8` };
let cached;
let cachedFull = false;
for (const dir of candidates) {
  try {
    cached = readFileSync(join(dir, names.full));
    cachedFull = true;
    break;
  } catch {}
  try {
    cached = readFileSync(join(dir, names.partial));
    break;
  } catch {}
}
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData: cached,
});
const rejected = cached === undefined || script.cachedDataRejected === true;
// Saved once, after the command ran, so it holds what the run compiled as well.
globalThis.flotillaBeforeExit = ({ ranCommand } = { ranCommand: false }) => {
  if (!rejected && (cachedFull || !ranCommand)) return;
  const data = script.createCachedData();
  const name = ranCommand ? names.full : names.partial;
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true });
      const temp = join(dir, `${key}.${process.pid}.tmp`);
      writeFileSync(temp, data);
      renameSync(temp, join(dir, name));
      // Beside the bundle the directory is this install's alone: caches of earlier builds go.
      if (dir === candidates[0]) {
        for (const old of readdirSync(dir))
          if (old.endsWith(".v8") && old !== name) rmSync(join(dir, old), { force: true });
      }
      return;
    } catch {}
  }
};
const bundled = { exports: {} };
script.runInThisContext()(bundled.exports, createRequire(bundle), bundled, bundle, dirname(bundle));
