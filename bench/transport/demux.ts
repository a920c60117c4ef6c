import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// Demultiplexing a 1 GiB multiplexed log stream: Flotilla's demultiplex() against docker-modem's
// demuxStream, each in its own process so peak RSS is that contender's alone.

const worker = fileURLToPath(new URL("./demux-worker.mjs", import.meta.url));
const results: Record<
  string,
  { seconds: number; gbPerSecond: number; peakRssMb: number; idleRssMb: number }
> = {};
for (const name of ["flotilla", "docker-modem"]) {
  const out = execFileSync(process.execPath, [worker, name], {
    encoding: "utf8",
  });
  results[name] = JSON.parse(out);
  const r = results[name]!;
  console.log(
    `${name.padEnd(13)} ${r.gbPerSecond.toFixed(2)} GB/s  peak RSS ${r.peakRssMb.toFixed(0)} MB, ` +
      `${(r.peakRssMb - r.idleRssMb).toFixed(0)} MB over the ${r.idleRssMb.toFixed(0)} MB held before the stream`,
  );
}
console.log(
  `flotilla/docker-modem = ${(results.flotilla!.gbPerSecond / results["docker-modem"]!.gbPerSecond).toFixed(2)}x`,
);
