// Cold start of `flotilla service ls` beside its peers, measured side by side in one run: each
// round runs every contender once, in turn, so a busy machine slows them all alike. Whole-process
// wall time; the median of the rounds, and the median of the ratios within each round. Prints a
// Markdown table for BENCHMARKS.md. flotilla runs with a code cache directory of its own (made by
// the warm-up run), and also without its loader: the bundle require()d as is, which is what Node's
// own compile cache (Node >= 22.1) would be given, and on Node 20 means compiling it every run.
//
//   node cli/startup.mjs [--rounds 21] [--json] [--compare OTHER/dist/bin.cjs] [--snapshot BLOB]
//
// --compare adds another build's bin (another checkout's) to the same rounds, for before/after.
// --snapshot adds a V8 start-up snapshot of the CLI (packages/cli/scripts/snapshot-experiment.mjs
// makes one), run as `node --snapshot-blob BLOB` and through the /bin/sh launcher a package would
// need to pass that flag.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const flotillaBin = join(here, "../../packages/cli/dist/bin.cjs");
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf("--rounds") + 1]) || 21;
const asJson = args.includes("--json");
const compareBin = args.includes("--compare") ? args[args.indexOf("--compare") + 1] : undefined;
const snapshotBlob = args.includes("--snapshot") ? args[args.indexOf("--snapshot") + 1] : undefined;

if (!existsSync(flotillaBin)) {
  process.stderr.write(`no ${flotillaBin}: build the CLI first (pnpm --filter @flotilla/cli build)\n`);
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), "flotilla-startup-"));
const env = { ...process.env, XDG_CACHE_HOME: join(scratch, "cache") };
// The bundle without bin.cjs's vm.Script loader: the same V8 flag, Node's compile cache where it has one.
const plainBin = join(scratch, "plain-require.cjs");
writeFileSync(
  plainBin,
  `require("node:v8").setFlagsFromString("--liftoff-only");
require("node:module").enableCompileCache?.();
require(${JSON.stringify(join(dirname(flotillaBin), "chunks/flotilla.cjs"))});\n`,
);
// What a bin would have to be to start from a snapshot: Node 20 takes --snapshot-blob only on its
// command line, and a shebang line cannot name a file relative to the script.
const snapshotLauncher = join(scratch, "snapshot-launcher.sh");
if (snapshotBlob)
  writeFileSync(
    snapshotLauncher,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --snapshot-blob ${JSON.stringify(snapshotBlob)} -- "$@"\n`,
    {
      mode: 0o755,
    },
  );

const contenders = [
  { name: "docker service ls (Go, reference)", command: "docker", args: ["service", "ls"], optional: true },
  { name: "node -e 0", command: process.execPath, args: ["-e", "0"] },
  { name: "node:http floor script", command: process.execPath, args: [join(here, "floor-http.mjs")] },
  {
    name: "node:http floor, _ping first (as flotilla)",
    command: process.execPath,
    args: [join(here, "floor-http-ping.mjs")],
  },
  { name: "dockerode script", command: process.execPath, args: [join(here, "dockerode-ls.mjs")] },
  { name: "flotilla service ls", command: process.execPath, args: [flotillaBin, "service", "ls"] },
  {
    name: "flotilla, no loader (plain require)",
    command: process.execPath,
    args: [plainBin, "service", "ls"],
  },
  ...(snapshotBlob
    ? [
        {
          name: "flotilla, V8 snapshot (node --snapshot-blob)",
          command: process.execPath,
          args: ["--snapshot-blob", snapshotBlob, "--", "service", "ls"],
        },
        {
          name: "flotilla, V8 snapshot via /bin/sh launcher",
          command: snapshotLauncher,
          args: ["service", "ls"],
        },
      ]
    : []),
  ...(compareBin
    ? [
        {
          name: "flotilla service ls (--compare)",
          command: process.execPath,
          args: [compareBin, "service", "ls"],
        },
      ]
    : []),
].filter((c) => !c.optional || spawnSync(c.command, ["--version"], { stdio: "ignore" }).status === 0);

function once(contender) {
  const started = process.hrtime.bigint();
  const result = spawnSync(contender.command, contender.args, { env, stdio: ["ignore", "ignore", "pipe"] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${contender.name} failed: ${result.stderr}`);
  return ms;
}

for (const contender of contenders) once(contender); // warm the page cache, not V8: every run is a new process
const times = new Map(contenders.map((c) => [c.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const contender of contenders) times.get(contender.name).push(once(contender));
}

rmSync(scratch, { recursive: true, force: true });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const medians = Object.fromEntries([...times].map(([name, values]) => [name, median(values)]));
const flotilla = medians["flotilla service ls"];
const floor = medians["node:http floor script"];
const dockerode = medians["dockerode script"];
const ratios = { vsFloor: flotilla / floor, vsDockerode: flotilla / dockerode };
// The same ratios taken within each round (the runs next to each other), then their median: a slow
// patch of a busy machine then weighs on both sides of a ratio instead of on one median.
const paired = (other, name = "flotilla service ls") =>
  median(times.get(name).map((ms, round) => ms / times.get(other)[round]));
const pairedRatios = {
  vsFloor: paired("node:http floor script"),
  vsDockerode: paired("dockerode script"),
  noLoaderVsFloor: paired("node:http floor script", "flotilla, no loader (plain require)"),
  vsPingFloor: paired("node:http floor, _ping first (as flotilla)"),
  ...(compareBin ? { vsCompare: paired("flotilla service ls (--compare)") } : {}),
  ...(snapshotBlob
    ? {
        snapshotVsFloor: paired("node:http floor script", "flotilla, V8 snapshot (node --snapshot-blob)"),
        snapshotVsLoader: median(
          times
            .get("flotilla, V8 snapshot (node --snapshot-blob)")
            .map((ms, round) => ms / times.get("flotilla service ls")[round]),
        ),
      }
    : {}),
};

if (asJson) {
  process.stdout.write(`${JSON.stringify({ rounds, medians, ratios, pairedRatios }, null, 2)}\n`);
} else {
  process.stdout.write(`Median wall time of ${rounds} rounds, Node ${process.version}:\n\n`);
  process.stdout.write("| command | median ms |\n| --- | ---: |\n");
  for (const [name, ms] of Object.entries(medians)) process.stdout.write(`| ${name} | ${ms.toFixed(0)} |\n`);
  process.stdout.write(
    `\nflotilla / node:http floor = ${ratios.vsFloor.toFixed(2)} (target <= 1.1); ` +
      `flotilla / dockerode = ${ratios.vsDockerode.toFixed(2)} (target <= 0.5)\n` +
      `median of the per-round ratios: ${pairedRatios.vsFloor.toFixed(2)} and ${pairedRatios.vsDockerode.toFixed(2)}; ` +
      `without the loader ${pairedRatios.noLoaderVsFloor.toFixed(2)} of the floor; ` +
      `${pairedRatios.vsPingFloor.toFixed(2)} of the floor that pings first` +
      (compareBin ? `; flotilla / --compare ${pairedRatios.vsCompare.toFixed(2)}` : "") +
      (snapshotBlob
        ? `; snapshot ${pairedRatios.snapshotVsFloor.toFixed(2)} of the floor, ${pairedRatios.snapshotVsLoader.toFixed(2)} of the loader`
        : "") +
      "\n",
  );
}
