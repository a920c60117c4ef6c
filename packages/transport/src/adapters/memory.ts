import { Readable } from "node:stream";
import { BaseTransport, type PreparedRequest } from "../base-transport.js";
import { AbortError, ConnectionError, TimeoutError, TransportClosedError } from "../errors.js";
import { IterableResponse } from "../iterable-response.js";
import { toTransportError } from "../socket-errors.js";
import type { StageTimeouts, TransportResponse } from "../transport.js";

/** Anything that answers a WHATWG Request: the fake swarm, a test's few lines, a Hono app's fetch. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

export interface MemoryTransportOptions {
  timeout?: StageTimeouts;
}

/**
 * Hands each request to a function in this process, with the semantics of a socket: error
 * statuses throw, bodies stream with backpressure, abort and every timeout stage work, and closing
 * cuts what is in flight. The handler sees `request.signal` fire when the caller gives up.
 */
export class MemoryTransport extends BaseTransport {
  readonly endpoint = "memory://";
  readonly #handler: FetchHandler;
  readonly #inFlight = new Set<AbortController>();

  constructor(handler: FetchHandler, options: MemoryTransportOptions = {}) {
    super(options.timeout);
    this.#handler = handler;
  }

  protected async send(request: PreparedRequest): Promise<TransportResponse> {
    const what = `${request.method} ${request.path}`;
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const onAbort = () => controller.abort(new AbortError(what, { cause: request.signal?.reason }));
    request.signal?.addEventListener("abort", onAbort, { once: true });
    const release = () => {
      this.#inFlight.delete(controller);
      request.signal?.removeEventListener("abort", onAbort);
    };
    const context = { endpoint: this.endpoint, what, timeout: request.timeout };
    try {
      const response = await this.#answer(request, controller, what);
      const reader = response.body?.getReader();
      return new IterableResponse({
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: chunksOf(reader, controller, request.timeout.body, what, release),
        cancel: async () => {
          release();
          await reader?.cancel().catch(() => {});
        },
        mapError: (error) => toTransportError(lost(error, this.endpoint, what), context),
      });
    } catch (error) {
      release();
      throw toTransportError(lost(error, this.endpoint, what), context);
    }
  }

  protected async shutdown(): Promise<void> {
    for (const controller of this.#inFlight) controller.abort(new TransportClosedError(this.endpoint));
    this.#inFlight.clear();
  }

  async #answer(request: PreparedRequest, controller: AbortController, what: string): Promise<Response> {
    const body = request.body;
    const init: RequestInit & { duplex?: "half" } = {
      method: request.method,
      headers: request.headers,
      signal: controller.signal,
    };
    if (body instanceof Uint8Array) init.body = body;
    else if (body !== undefined) {
      init.body = Readable.toWeb(Readable.from(body)) as ReadableStream<Uint8Array>;
      init.duplex = "half";
    }
    const answer = Promise.resolve().then(() =>
      this.#handler(new Request(`http://memory${request.target}`, init)),
    );
    const limit = request.timeout.headers;
    return race(answer, controller, limit, () => new TimeoutError("headers", limit, what));
  }
}

/** A handler that throws or a body that errors is, seen from the client, a connection that broke. */
function lost(error: unknown, endpoint: string, what: string): unknown {
  if (error instanceof Error && "code" in error) return error;
  return new ConnectionError(
    "ERR_CONNECTION_LOST",
    {
      endpoint,
      problem: `the handler failed during ${what}`,
      hint: "see `cause` for what the handler threw",
    },
    { cause: error },
  );
}

/**
 * Settles with `work`, or rejects when the request is aborted; `ms` of silence (0: never) aborts it
 * with a timeout, so the handler learns of the timeout through `request.signal` as well.
 */
function race<T>(
  work: Promise<T>,
  controller: AbortController,
  ms: number,
  onTimeout: () => Error,
): Promise<T> {
  const signal = controller.signal;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const timer = ms > 0 ? setTimeout(() => controller.abort(onTimeout()), ms) : undefined;
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    });
  });
}

async function* chunksOf(
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined,
  controller: AbortController,
  ms: number,
  what: string,
  release: () => void,
): AsyncGenerator<Uint8Array> {
  try {
    while (reader) {
      const { done, value } = await race(
        reader.read(),
        controller,
        ms,
        () => new TimeoutError("body", ms, what),
      );
      if (done) return;
      yield value;
    }
  } catch (error) {
    await reader?.cancel(error).catch(() => {});
    throw error;
  } finally {
    release();
  }
}
