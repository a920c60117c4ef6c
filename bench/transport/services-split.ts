import { fork } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnixSocketTransport, withApiVersion } from "@flotilla/transport";
import Docker from "dockerode";
import { Pool } from "undici";

// Where a client's CPU goes on GET /services (100 services, 70 KB): the HTTP exchange with the
// body decoded to a string, against the same with JSON.parse on top, and JSON.parse alone. It
// tells whether a client that parses the whole body can be 1.5x faster than another that does.
// Against the minimal server; SPLIT_COUNT requests per figure (default 2000), SPLIT_IN_FLIGHT
// (default 1), five rounds alternating, medians.

const count = Number(process.env.SPLIT_COUNT ?? 2000);
const inFlight = Number(process.env.SPLIT_IN_FLIGHT ?? 1);
const VERSION = "1.41";

const socketPath = join(mkdtempSync(join(tmpdir(), "flotilla-bench-")), "minimal.sock");
const server = fork(new URL("./minimal-server.mjs", import.meta.url), [socketPath]);
await new Promise((resolve) => server.once("message", resolve));

const flotilla = withApiVersion(new UnixSocketTransport({ socketPath, connections: 16 }), {
  version: VERSION,
});
const pool = new Pool("http://localhost", { socketPath, connections: 16 });
const dockerode = new Docker({ socketPath, version: `v${VERSION}` });

/** dockerode's own request path for listServices, stopped before its JSON.parse. */
function dockerodeText(): Promise<string> {
  return new Promise((resolve, reject) => {
    dockerode.modem.dial(
      { path: "/services?", method: "GET", isStream: true, statusCodes: { 200: true }, options: {} },
      (error: Error | null, res: NodeJS.ReadableStream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve(Buffer.concat(chunks).toString()));
        res.on("error", reject);
      },
    );
  });
}

const calls: Record<string, { http: () => Promise<unknown>; whole: () => Promise<unknown> }> = {
  flotilla: {
    http: async () => (await flotilla.request({ method: "GET", path: "/services" })).text(),
    whole: async () => (await flotilla.request({ method: "GET", path: "/services" })).json(),
  },
  "undici (raw)": {
    http: async () => (await pool.request({ method: "GET", path: `/v${VERSION}/services` })).body.text(),
    whole: async () => (await pool.request({ method: "GET", path: `/v${VERSION}/services` })).body.json(),
  },
  dockerode: {
    http: dockerodeText,
    whole: () => dockerode.listServices(),
  },
};

async function cpuPerCall(run: () => Promise<unknown>): Promise<number> {
  let left = count;
  const start = process.cpuUsage();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left-- > 0) await run();
    }),
  );
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const body = await (await flotilla.request({ method: "GET", path: "/services" })).text();
  const parseAlone = async () => JSON.parse(body);
  const results = new Map<string, number[]>();
  const record = (key: string, value: number) => results.set(key, [...(results.get(key) ?? []), value]);
  const names = Object.keys(calls);
  for (const name of names)
    for (const kind of ["http", "whole"] as const) await cpuPerCall(calls[name]![kind]);
  for (let round = 0; round < 5; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      for (const kind of ["http", "whole"] as const)
        record(`${name} ${kind}`, await cpuPerCall(calls[name]![kind]));
    }
    record("parse", await cpuPerCall(parseAlone));
  }
  console.log(
    `GET /services (${(body.length / 1024).toFixed(0)} KB), ${inFlight} in flight, ${count} requests x 5, CPU µs per request (median):`,
  );
  console.log(`  JSON.parse of the body alone: ${median(results.get("parse")!).toFixed(0)}`);
  for (const name of names) {
    const http = median(results.get(`${name} http`)!);
    const whole = median(results.get(`${name} whole`)!);
    console.log(
      `  ${name.padEnd(14)} HTTP + decode ${http.toFixed(0).padStart(4)}, with JSON.parse ${whole.toFixed(0).padStart(4)} (difference ${(whole - http).toFixed(0)})`,
    );
  }
} finally {
  await flotilla.close();
  await pool.close();
  server.kill();
}
