#!/usr/bin/env -S node --
// The `--` in the line above: Node 20 reads `--env-file` anywhere on its command line, even after
// the script (nodejs/node#54232), and exits before any JavaScript runs; flotilla has an
// --env-file flag of its own. `env -S` is in GNU coreutils (8.30+), macOS and the BSDs.
// The `flotilla` executable: runs the bundle (chunks/flotilla.cjs) through vm.Script with V8's
// code cache, so a run compiles almost nothing (Node 20 has no compile cache of its own; without
// this a `service ls` spends ~17 ms more CPU compiling, see BENCHMARKS.md). The cache is the
// user's, in their cache directory, never in the install folder; it is keyed by the build and the
// Node version, made by the first command run, and rewritten when V8 rejects it.
// The bundle has no import() (scripts/bundle.mjs turns lazy imports into lazy require()s and
// fails the build on any left): a script compiled here has no module loader to import with.
// It is CommonJS (.cjs in a "type": "module" package) because Node starts a CommonJS entry a few
// ms sooner than an ES module one: it skips the ES module loader.
"use strict";
const {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require("node:fs");
const { createRequire } = require("node:module");
const { homedir } = require("node:os");
const { dirname, isAbsolute, join } = require("node:path");
const { setFlagsFromString } = require("node:v8");
const { Script } = require("node:vm");

// undici parses HTTP with llhttp compiled to WebAssembly. V8 would also optimise it on background
// threads, and exit waits for those: ~100 ms of every run, for a speed-up no CLI run lasts long
// enough to see. The baseline compiler alone is plenty for a command line.
setFlagsFromString("--liftoff-only");

/** The user's cache directory for flotilla, where each platform keeps such files. */
function cacheDir() {
  const { env, platform } = process;
  // The XDG spec has relative paths ignored.
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, "flotilla");
  if (platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "flotilla", "cache");
  if (platform === "darwin") return join(homedir(), "Library", "Caches", "flotilla");
  return join(homedir(), ".cache", "flotilla");
}

const bundle = join(__dirname, "chunks/flotilla.cjs");
const source = readFileSync(bundle, "utf8").replace(/^#!.*/, "");
// The bundle's content hash, written in by scripts/bundle.mjs: a cache is for one build and one Node.
const build = "FLOTILLA_BUILD_ID";
const key = `${build}-${process.version}`;
let dir;
try {
  dir = cacheDir();
} catch {} // no home directory to be found (os.homedir() throws): runs compile without a cache
// A cache made by a run that only parsed (--help, --version, a usage error) lacks the code every
// command runs (the client, undici), so it is kept apart and replaced by the first command's.
const names = { full: `${key}.v8`, partial: `${key}.partial.v8` };
let cached;
let cachedFull = false;
if (dir)
  try {
    cached = readFileSync(join(dir, names.full));
    cachedFull = true;
  } catch {
    try {
      cached = readFileSync(join(dir, names.partial));
    } catch {}
  }
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData: cached,
});
const rejected = cached === undefined || script.cachedDataRejected === true;
// Another build's cache is left for a week: two installs (global and a project's) may take turns.
const STALE_MS = 7 * 24 * 3600 * 1000;
// Saved once, after the command ran, so it holds what the run compiled as well. A directory that
// cannot be written (read-only home) only costs the next run its compile time.
globalThis.flotillaBeforeExit = ({ ranCommand } = { ranCommand: false }) => {
  if (!dir || (!rejected && (cachedFull || !ranCommand))) return;
  const name = ranCommand ? names.full : names.partial;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = join(dir, `${key}.${process.pid}.tmp`);
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, join(dir, name));
    const now = Date.now();
    for (const old of readdirSync(dir)) {
      if (old === name || !old.endsWith(".v8")) continue;
      const path = join(dir, old);
      if (old.startsWith(`${key}.`) || now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    }
  } catch {}
};
const bundled = { exports: {} };
script.runInThisContext()(bundled.exports, createRequire(bundle), bundled, bundle, dirname(bundle));
