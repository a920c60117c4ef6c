import type { IncomingMessage, ServerResponse } from "node:http";
import type { FetchHandler } from "../api/handler.js";

// The glue between node:http and the fake's handler: an IncomingMessage becomes a WHATWG
// Request, and the Response is written back with backpressure. When the client goes away
// (`docker service logs -f` ended with ^C), the Request's signal aborts and the body is
// cancelled, so the stream's subscription to the swarm is dropped and nothing leaks.

/** What the served fake answers when answering failed inside it. */
export const INTERNAL_ERROR = "the fake engine could not answer this request";

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
    response = await handle(toRequest(req, abort.signal));
  } catch {
    // A bug in the fake (or a body whose client left) still gets a `{"message"}` answer, and
    // never the JavaScript error's own text: that is no message the engine would send.
    response = Response.json({ message: INTERNAL_ERROR }, { status: 500 });
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

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? "GET";
  const init: RequestInit & { duplex?: "half" } = { method, headers, signal };
  if (method !== "GET" && method !== "HEAD") {
    init.body = bodyOf(req);
    init.duplex = "half";
  }
  return new Request(`http://fake-engine${req.url ?? "/"}`, init);
}

/**
 * The request's body as a stream read one chunk at a time, as the socket delivers it: the handler
 * holds what it keeps (readJson keeps BODY_LIMIT of it) and nothing else is buffered, so a
 * 100 MB body costs the fake a chunk at a time, not 100 MB. What the handler leaves unread is
 * drained by node:http once the answer is sent, as Go's server does for keep-alive.
 */
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.pause();
        req.on("data", (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => {
          settled = true;
          controller.close();
        });
        // The client left mid-body: the handler's read fails, and its answer is dropped.
        req.once("close", () => {
          if (settled) return;
          settled = true;
          controller.error(new ClientGone());
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        settled = true;
        req.removeAllListeners("data");
        req.resume();
      },
    },
    new CountQueuingStrategy({ highWaterMark: 1 }),
  );
}

/** Why a body read stopped when its client closed the connection; never sent, as nobody is left. */
class ClientGone extends Error {}

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
