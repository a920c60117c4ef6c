import { request } from "node:http";
import type { Answer } from "./checks.js";
import { FIXTURE_NAMES, type FuzzCase } from "./requests.js";

// Sends a generated case to a real engine over its unix socket, byte for byte as generated. A
// streaming answer (logs, events) is read for a moment and then cut: its status is what counts.

const STREAM_WAIT_MS = 300;
const STREAM_BYTES = 64 * 1024;

export function sendToEngine(socketPath: string, fuzz: FuzzCase): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method: fuzz.method,
        path: fuzz.path,
        headers: { ...fuzz.headers, ...(fuzz.body && { "content-length": String(fuzz.body.length) }) },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          clearTimeout(timer);
          res.destroy();
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            text: Buffer.concat(chunks).toString("utf8"),
          });
        };
        const timer = setTimeout(done, STREAM_WAIT_MS);
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= STREAM_BYTES) done();
        });
        res.on("end", done);
        res.on("error", done);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${fuzz.method} ${fuzz.path} timed out`)));
    req.on("error", reject);
    req.end(fuzz.body ? Buffer.from(fuzz.body) : undefined);
  });
}

async function call(socketPath: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return sendToEngine(socketPath, {
    method,
    path: `/v1.41${path}`,
    headers: { "content-type": "application/json" },
    ...(body !== undefined && { body: new TextEncoder().encode(JSON.stringify(body)) }),
    note: "setup",
  });
}

/** The same swarm and fixtures the fake starts with (fake-target.ts), on a scratch engine. */
export async function prepareEngine(socketPath: string): Promise<void> {
  const init = await call(socketPath, "POST", "/swarm/init", {
    ListenAddr: "127.0.0.1:2377",
    AdvertiseAddr: "127.0.0.1",
  });
  if (init.status !== 200 && init.status !== 503) throw new Error(`swarm init: ${init.status} ${init.text}`);
  await call(socketPath, "POST", "/services/create", {
    Name: FIXTURE_NAMES.service,
    TaskTemplate: { ContainerSpec: { Image: "flotilla-test/busybox:latest", Command: ["sleep", "3600"] } },
  });
  await call(socketPath, "POST", "/secrets/create", { Name: FIXTURE_NAMES.secret, Data: "aGVsbG8=" });
  await call(socketPath, "POST", "/configs/create", { Name: FIXTURE_NAMES.config, Data: "aGVsbG8=" });
  await call(socketPath, "POST", "/networks/create", { Name: FIXTURE_NAMES.network, Driver: "overlay" });
}

/** Leaves the scratch engine as it was found: outside any swarm. */
export async function releaseEngine(socketPath: string): Promise<void> {
  await call(socketPath, "POST", "/swarm/leave?force=true");
}
