import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

// An engine for the built `flotilla` to talk to, on a temporary unix socket: any fetch handler
// (the fake swarm's, or one that misbehaves on purpose), with every request it received recorded,
// so a test can say exactly what reached the endpoint (nothing, for a refused command line).

export interface ReceivedRequest {
  method: string;
  /** The path as sent, version prefix and query included. */
  path: string;
}

export interface RecordingEndpoint {
  readonly socketPath: string;
  readonly dockerHost: string;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

export type Handle = (request: Request) => Response | Promise<Response>;

export async function recordingEndpoint(handle: Handle): Promise<RecordingEndpoint> {
  const dir = mkdtempSync(join(tmpdir(), "flotilla-bin-"));
  const socketPath = join(dir, "engine.sock");
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    received.push({ method: req.method ?? "GET", path: req.url ?? "/" });
    void answer(handle, req, res);
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    dockerHost: `unix://${socketPath}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }).then(() => rmSync(dir, { recursive: true, force: true })),
  };
}

async function answer(handle: Handle, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const method = req.method ?? "GET";
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === "string") headers.set(name, value);
  const request = new Request(`http://endpoint${req.url ?? "/"}`, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : Buffer.concat(chunks),
    signal: abort.signal,
  });
  let response: Response;
  try {
    response = await handle(request);
  } catch (error) {
    response = Response.json({ message: String(error) }, { status: 500 });
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.flushHeaders();
  if (!response.body) return void res.end();
  // A body that errors part way (on purpose) cuts the connection, as an engine going away does.
  Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>)
    .on("error", () => res.destroy())
    .pipe(res);
}
