// What every build of the CLI's bundle shares (scripts/bundle.mjs, and the start-up snapshot
// experiment in scripts/snapshot-experiment.mjs): the trims below and the output format. The
// bundle is for start-up time: one file to parse instead of hundreds, each command's code in a
// chunk loaded only when it runs, and dependency trims that change no behaviour:
// - undici is entered at its Pool (all the transport uses) rather than its index, which loads
//   fetch, WebSocket, caches and mocks as well; its HTTP/2 client, never used here, is left out;
// - commander's child_process (for executable subcommands, which flotilla has none of) on use;
// - ssh2 (native parts, not bundled) is the package's one dependency, required from its install;
//   the transport loads it on its first SSH connection, so only ssh:// endpoints pay for it;
// - the request-body schemas (zod, ~600 kB) are evaluated on the first body validated, not at
//   start-up: reads never validate a body, so `service ls` never pays for them.
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = dirname(dirname(fileURLToPath(import.meta.url)));
const fromTransport = createRequire(join(root, "../transport/package.json"));
const undiciDir = dirname(fromTransport.resolve("undici/package.json"));

/** The file name of the parser an undici llhttp module holds. */
const wasmName = (path) => basename(path).replace(/-wasm\.js$/, ".wasm");

/** undici's parsers as .wasm files beside the chunks that read them. */
export async function writeParsers(dir = join(root, "dist/chunks")) {
  for (const name of ["llhttp-wasm.js", "llhttp_simd-wasm.js"]) {
    const path = join(undiciDir, "lib/llhttp", name);
    await writeFile(join(dir, wasmName(path)), createRequire(import.meta.url)(path));
  }
}

/**
 * The Compose Specification's schema (a data file dclint ships), beside the chunks: the client's
 * stacks look for it beside their own module first, so the installed CLI needs no dclint.
 */
export async function writeComposeSchema(dir = join(root, "dist/chunks")) {
  const dclint = dirname(createRequire(join(root, "../client/package.json")).resolve("dclint/package.json"));
  await writeFile(
    join(dir, "compose.schema.json"),
    await readFile(join(dclint, "schemas/compose.schema.json")),
  );
}

/**
 * The `flotilla ui` page, built for the browser into `dir` (dist/chunks/ui/ beside the bundle,
 * where src/ui/assets.ts looks): app.js is page/main.ts with preact and htm bundled in, so the
 * installed CLI serves it with no build step and nothing from the network.
 */
export async function writeUiAssets(dir = join(root, "dist/chunks/ui")) {
  const { build } = await import("esbuild");
  const page = join(root, "src/ui/page");
  await build({
    entryPoints: [join(page, "main.ts")],
    outfile: join(dir, "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["chrome111", "firefox111", "safari16"],
    minify: true,
    legalComments: "none",
    logLevel: "warning",
  });
  for (const name of ["index.html", "style.css"]) await copyFile(join(page, name), join(dir, name));
}

const WORKSPACE_SOURCE = /\/packages\/(types|transport|client|testing)\/src\//;

/** @type {import("esbuild").Plugin} */
export const trims = {
  name: "flotilla-trims",
  setup(b) {
    // A builtin the sources load lazily (`await import("node:tls")` for TLS, node:child_process
    // for credential helpers) becomes a require() run on first use, as esbuild does for bundled
    // modules: the bundle is CommonJS, and an import() of anything external has no module loader
    // to go to when bin.cjs compiles it with vm.Script (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === "dynamic-import"
        ? { path: args.path, namespace: "flotilla-required-builtin" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "flotilla-required-builtin" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
    // commander requires child_process at load for executable subcommands, which flotilla has none of.
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes("commander") ? { path: "child-process-lazy", namespace: "flotilla" } : undefined,
    );
    b.onLoad({ filter: /^child-process-lazy$/, namespace: "flotilla" }, () => ({
      contents: `let real; const load = () => (real ??= require("node:child_process"));
module.exports = new Proxy({}, { get: (_, key) => load()[key] });`,
      loader: "js",
    }));
    // Builtins the workspace sources import by name but call only in some commands (crypto for SSH
    // known hosts and docker contexts, os for home and temp directories, fs/promises and
    // timers/promises for registry auth and waits): each function is a stand-in that loads the
    // builtin on its first call, so start-up does not load them.
    b.onResolve({ filter: /^node:(crypto|os|fs\/promises|timers\/promises)$/ }, (args) =>
      WORKSPACE_SOURCE.test(args.importer)
        ? { path: args.path, namespace: "flotilla-lazy-builtin" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "flotilla-lazy-builtin" }, async (args) => {
      const real = await import(args.path);
      // Functions only, and not classes (a stand-in would fail `instanceof`): importing anything
      // else from these builtins fails the build, to be added here knowingly.
      const names = Object.keys(real).filter(
        (name) => /^[a-z]/.test(name) && typeof real[name] === "function",
      );
      return {
        contents: [
          `let real; const load = () => (real ??= require(${JSON.stringify(args.path)}));`,
          ...names.map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
        ].join("\n"),
        loader: "js",
      };
    });
    // undici only ever calls assert(value) on its own invariants: node:assert (and what it loads)
    // is needed only to report a failed one.
    b.onResolve({ filter: /^node:assert$/ }, (args) =>
      args.importer.includes("undici") ? { path: "assert-on-failure", namespace: "flotilla" } : undefined,
    );
    b.onLoad({ filter: /^assert-on-failure$/, namespace: "flotilla" }, () => ({
      contents: `let real; const load = () => (real ??= require("node:assert"));
function assert(value, message) {
  if (!value) load().ok(value, message);
}
module.exports = new Proxy(assert, { get: (target, key) => (key in target ? target[key] : load()[key]) });`,
      loader: "js",
    }));
    // undici's HTTP parser (llhttp, WebAssembly) ships as base64 in JavaScript: 145 kB of bundle
    // that every run reads and the code cache repeats. Written beside the bundle as the .wasm bytes
    // instead (see writeParsers), and read from there by the one run in a process that needs it.
    b.onLoad({ filter: /\/undici\/lib\/llhttp\/llhttp(_simd)?-wasm\.js$/ }, (args) => ({
      contents: `module.exports = require("node:fs").readFileSync(require("node:path").join(__dirname, ${JSON.stringify(wasmName(args.path))}));`,
      loader: "js",
    }));
    b.onResolve({ filter: /^undici$/ }, () => ({ path: "undici-pool", namespace: "flotilla" }));
    // undici's HTTP/2 client (and node:http2) loads with its Client, but is used only when ALPN
    // picks h2, which happens only with allowH2: never for a Docker engine.
    b.onResolve({ filter: /\/client-h2\.js$/ }, (args) =>
      args.importer.includes("undici") ? { path: "undici-no-h2", namespace: "flotilla" } : undefined,
    );
    b.onLoad({ filter: /^undici-no-h2$/, namespace: "flotilla" }, () => ({
      contents: `module.exports = function connectH2() {
  throw new Error("HTTP/2 is not used with Docker engines (flotilla never sets allowH2)");
};`,
      loader: "js",
    }));
    b.onResolve({ filter: /^ssh2$/ }, (args) =>
      args.namespace === "flotilla"
        ? { path: "ssh2", external: true }
        : { path: "ssh2-lazy", namespace: "flotilla" },
    );
    b.onLoad({ filter: /^undici-pool$/, namespace: "flotilla" }, () => ({
      // As undici's index does: the request API lives on Dispatcher.prototype.
      contents: `const Dispatcher = require("./lib/dispatcher/dispatcher.js");
Object.assign(Dispatcher.prototype, require("./lib/api/index.js"));
module.exports = { Pool: require("./lib/dispatcher/pool.js") };`,
      loader: "js",
      resolveDir: undiciDir,
    }));
    b.onLoad({ filter: /^ssh2-lazy$/, namespace: "flotilla" }, () => ({
      // ssh2 stays a dependency of @flotilla/cli (its native addons are built for the machine it
      // is installed on), required from the CLI's own install; the transport imports it only on
      // its first SSH connection, so only then does this run.
      contents: `module.exports = require("ssh2");`,
      loader: "js",
    }));
    // The version printed is the one published: package.json's, whatever src/version.ts says.
    b.onLoad({ filter: /\/packages\/cli\/src\/version\.ts$/ }, async () => ({
      contents: `export const VERSION = ${JSON.stringify(JSON.parse(await readFile(join(root, "package.json"), "utf8")).version)};`,
      loader: "js",
    }));
    b.onResolve({ filter: /\/validate\.js$/ }, (args) =>
      WORKSPACE_SOURCE.test(args.importer) && args.pluginData !== "real"
        ? { path: join(args.resolveDir, "validate.ts"), namespace: "flotilla-lazy", sideEffects: false }
        : undefined,
    );
    // Built apart as chunks/validate.cjs and required on first use; its errors carry the shared
    // brand and codes, so isFlotillaError() and `code` checks hold across the two copies.
    b.onLoad({ filter: /.*/, namespace: "flotilla-lazy" }, () => ({
      contents: `export function validateRequestBody(name, value) {
  return require("./validate.cjs").validateRequestBody(name, value);
}`,
      loader: "js",
      resolveDir: root,
    }));
    b.onResolve({ filter: /^\.\/validate\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    // The fake swarm (sandbox, demo) is its own chunk, required on first use: no other command
    // carries its weight.
    b.onResolve({ filter: /^@flotilla\/testing$/ }, (args) =>
      args.importer.includes("/packages/cli/src/")
        ? { path: "testing-chunk", namespace: "flotilla" }
        : undefined,
    );
    b.onLoad({ filter: /^testing-chunk$/, namespace: "flotilla" }, () => ({
      contents: `module.exports = require("./testing.cjs");`,
      loader: "js",
      resolveDir: root,
    }));
    b.onResolve({ filter: /^\.\/testing\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    // Workspace sources have no side effects at import, so modules the CLI does not use are dropped.
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (
        args.pluginData === "inner" ||
        !WORKSPACE_SOURCE.test(args.importer) ||
        args.path.startsWith("node:")
      )
        return;
      if (!args.path.startsWith(".") && !args.path.startsWith("@flotilla/")) return;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "inner",
      });
      return resolved.errors.length > 0 ? undefined : { path: resolved.path, sideEffects: false };
    });
  },
};

// One CommonJS file: loaded synchronously, and compiled through vm.Script by dist/bin.cjs so V8's
// code cache can be kept between runs (Node 20 has no code cache for ES modules). Commands the run
// does not use are bundled but never initialised: esbuild turns their dynamic imports into lazy
// initialisers.
// What every chunk is built as: one CommonJS file for Node 20, minified but with names kept.
export const chunk = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
};
