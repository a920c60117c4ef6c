import type { IncomingMessage, ServerResponse } from "node:http";
import type { FetchHandler } from "../api/handler.js";
import { BODY_LIMIT } from "../api/http.js";

// The glue between node:http and the fake's handler: an IncomingMessage becomes a WHATWG
// Request, and the Response is written back with backpressure. When the client goes away
// (`docker service logs -f` ended with ^C), the Request's signal aborts and the body is
// cancelled, so the stream's subscription to the swarm is dropped and nothing leaks.

export async function serveOne(
  handle: FetchHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const abort = new AbortController();
  // "close" on the response fires both when it finished and when the socket died first.
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  let response: Response;
  try {
    response = await handle(await toRequest(req, abort.signal));
  } catch (error) {
    // A bug in the fake must still answer as dockerd does for a panic: 500 with a message.
    response = Response.json(
      { message: error instanceof Error ? error.message : String(error) },
      { status: 500 },
    );
  }
  if (abort.signal.aborted) {
    await response.body?.cancel();
    return;
  }
  res.writeHead(response.status, goHeaders(response.headers));
  // dockerd flushes headers of a stream at once: clients wait for them before reading frames.
  res.flushHeaders();
  if (!response.body || req.method === "HEAD") {
    await response.body?.cancel();
    res.end();
    return;
  }
  await pipe(response.body, res, abort.signal);
}

async function toRequest(req: IncomingMessage, signal: AbortSignal): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? "GET";
  // Bodies the engine accepts are small JSON documents: reading them whole keeps Request simple.
  // Past BODY_LIMIT the rest is read and dropped (the handler sees a body cut at the limit and
  // the client's Content-Length), so no client can make the fake hold more.
  let body: Buffer | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Buffer[] = [];
    let held = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (held >= BODY_LIMIT) continue;
      const kept = chunk.byteLength <= BODY_LIMIT - held ? chunk : chunk.subarray(0, BODY_LIMIT - held);
      chunks.push(kept);
      held += kept.byteLength;
    }
    body = Buffer.concat(chunks);
  }
  return new Request(`http://fake-engine${req.url ?? "/"}`, { method, headers, body, signal });
}

async function pipe(
  body: ReadableStream<Uint8Array>,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const reader = body.getReader();
  const stop = () => void reader.cancel().catch(() => {});
  signal.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || signal.aborted) break;
      if (!res.write(value)) await drained(res, signal);
    }
  } catch {
    // The stream was cancelled because the client left: nothing more to send.
  } finally {
    signal.removeEventListener("abort", stop);
    if (!signal.aborted) res.end();
  }
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    res.on("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Go canonicalises header names (`Api-Version`, `Ostype`); some clients print them as sent. */
function goHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    out[name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())] = value;
  }
  return out;
}
