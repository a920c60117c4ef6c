import { request } from "node:http";
import type { BadRequest, Fixtures } from "./requests.js";

// One way to send a bad request, whatever answers it: a unix socket (the engine, or the fake
// listening) or a fetch handler in this process (the fake's handler). Bodies go byte for byte.

export interface Wire {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface Answer {
  status: number;
  text: string;
}

export type Send = (wire: Wire) => Promise<Answer>;

export function overSocket(socketPath: string): Send {
  return (wire) =>
    new Promise((resolve, reject) => {
      const headers = wire.body
        ? { ...wire.headers, "content-length": String(wire.body.length) }
        : wire.headers;
      const req = request(
        { socketPath, method: wire.method, path: wire.path, headers, timeout: 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${wire.method} ${wire.path} timed out`)));
      req.on("error", reject);
      req.end(wire.body);
    });
}

export function overHandler(handle: (request: Request) => Promise<Response>): Send {
  return async (wire) => {
    const response = await handle(
      new Request(`http://fake${wire.path}`, {
        method: wire.method,
        headers: wire.headers,
        body: wire.body ? new Uint8Array(wire.body) : undefined,
      }),
    );
    return { status: response.status, text: await response.text() };
  };
}

/** Placeholders in a request, and the values they stand for on one target. */
export function placeholders(f: Fixtures, unique: string): [string, string][] {
  return [
    ["{serviceVersion}", String(f.serviceVersion)],
    ["{nodeVersion}", String(f.nodeVersion)],
    ["{serviceId}", f.serviceId],
    ["{secretId}", f.secretId],
    ["{configId}", f.configId],
    ["{service}", f.service],
    ["{secret}", f.secret],
    ["{config}", f.config],
    ["{network}", f.network],
    ["{node}", f.node],
    ["{unique}", unique],
  ];
}

function fill(text: string, values: [string, string][]): string {
  let out = text;
  for (const [key, value] of values) out = out.split(key).join(value);
  return out;
}

/** The request as bytes for one target. */
export function toWire(entry: BadRequest, values: [string, string][]): Wire {
  const headers: Record<string, string> = {};
  let body: Buffer | undefined;
  if (entry.raw !== undefined) {
    body = Buffer.from(fill(entry.raw, values));
    headers["content-type"] = "application/json";
  } else if (entry.body !== undefined) {
    body = Buffer.from(fill(JSON.stringify(entry.body), values));
    headers["content-type"] = "application/json";
  }
  return {
    method: entry.method,
    path: fill(entry.path, values),
    headers: { ...headers, ...entry.headers },
    body,
  };
}

/** The engine's message with this target's names and IDs put back as placeholders. */
export function messageOf(answer: Answer, values: [string, string][]): string | undefined {
  let message: string | undefined;
  try {
    message = (JSON.parse(answer.text) as { message?: string }).message;
  } catch {
    return answer.text.trim() || undefined;
  }
  if (message === undefined) return undefined;
  // Names and IDs only (versions are numbers any message may hold), longest first, so a name
  // is not half-replaced by a shorter one it contains.
  const sorted = values
    .filter(([key, value]) => value !== "" && !key.endsWith("Version}"))
    .sort((a, b) => b[1].length - a[1].length);
  for (const [key, value] of sorted) message = message.split(value).join(key);
  return message;
}
