// Cold start of `flotilla service ls` beside its peers, measured side by side in one run: each
// round runs every contender once, in turn, so a busy machine slows them all alike. Whole-process
// wall time; the median of the rounds, and the median of the ratios within each round. Prints a
// Markdown table for BENCHMARKS.md.
//
//   node cli/startup.mjs [--rounds 21] [--json]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const flotillaBin = join(here, "../../packages/cli/dist/bin.cjs");
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf("--rounds") + 1]) || 21;
const asJson = args.includes("--json");

if (!existsSync(flotillaBin)) {
  process.stderr.write(`no ${flotillaBin}: build the CLI first (pnpm --filter @flotilla/cli build)\n`);
  process.exit(1);
}

const contenders = [
  { name: "docker service ls (Go, reference)", command: "docker", args: ["service", "ls"], optional: true },
  { name: "node -e 0", command: process.execPath, args: ["-e", "0"] },
  { name: "node:http floor script", command: process.execPath, args: [join(here, "floor-http.mjs")] },
  { name: "dockerode script", command: process.execPath, args: [join(here, "dockerode-ls.mjs")] },
  { name: "flotilla service ls", command: process.execPath, args: [flotillaBin, "service", "ls"] },
].filter((c) => !c.optional || spawnSync(c.command, ["--version"], { stdio: "ignore" }).status === 0);

function once(contender) {
  const started = process.hrtime.bigint();
  const result = spawnSync(contender.command, contender.args, { stdio: ["ignore", "ignore", "pipe"] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${contender.name} failed: ${result.stderr}`);
  return ms;
}

for (const contender of contenders) once(contender); // warm the page cache, not V8: every run is a new process
const times = new Map(contenders.map((c) => [c.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const contender of contenders) times.get(contender.name).push(once(contender));
}

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
const paired = (other) =>
  median(times.get("flotilla service ls").map((ms, round) => ms / times.get(other)[round]));
const pairedRatios = { vsFloor: paired("node:http floor script"), vsDockerode: paired("dockerode script") };

if (asJson) {
  process.stdout.write(`${JSON.stringify({ rounds, medians, ratios, pairedRatios }, null, 2)}\n`);
} else {
  process.stdout.write(`Median wall time of ${rounds} rounds, Node ${process.version}:\n\n`);
  process.stdout.write("| command | median ms |\n| --- | ---: |\n");
  for (const [name, ms] of Object.entries(medians)) process.stdout.write(`| ${name} | ${ms.toFixed(0)} |\n`);
  process.stdout.write(
    `\nflotilla / node:http floor = ${ratios.vsFloor.toFixed(2)} (target <= 1.3); ` +
      `flotilla / dockerode = ${ratios.vsDockerode.toFixed(2)} (target <= 0.5)\n` +
      `median of the per-round ratios: ${pairedRatios.vsFloor.toFixed(2)} and ${pairedRatios.vsDockerode.toFixed(2)}\n`,
  );
}
