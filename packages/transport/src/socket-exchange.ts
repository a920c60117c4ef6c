import type { Duplex } from "node:stream";
import { type Dispatcher, Pool } from "undici";
import type { PreparedRequest } from "./base-transport.js";
import { AbortError, type ConnectionError, TimeoutError } from "./errors.js";
import type { ResponseInit } from "./iterable-response.js";
import { toTransportError } from "./socket-errors.js";

// One request over a SocketTransport's pool, from send to the end of its body. Kept apart from the
// transport because this is the per-request path, where every allocation and timer counts.

type LegacyHandler = Required<
  Pick<Dispatcher.DispatchHandler, "onConnect" | "onHeaders" | "onData" | "onComplete" | "onError">
> &
  Dispatcher.DispatchHandler;

/**
 * Tells a request's connect timer to stop once undici hands it a socket. It speaks undici's
 * callback-style handler API, as the RequestHandler it wraps does, so undici passes it through
 * without converting headers back and forth (an interceptor would, at a real cost per request).
 */
class ConnectedNotifier implements Dispatcher.DispatchHandler {
  readonly #inner: LegacyHandler;
  readonly #connected: () => void;

  constructor(inner: LegacyHandler, connected: () => void) {
    this.#inner = inner;
    this.#connected = connected;
  }
  onConnect(abort: (error?: Error) => void, context?: unknown): void {
    this.#connected();
    (this.#inner.onConnect as (abort: (error?: Error) => void, context?: unknown) => void)(abort, context);
  }
  onResponseStarted(): void {
    this.#inner.onResponseStarted?.();
  }
  onHeaders(status: number, headers: Buffer[], resume: () => void, text: string): boolean {
    return this.#inner.onHeaders(status, headers, resume, text);
  }
  onData(chunk: Buffer): boolean {
    return this.#inner.onData(chunk);
  }
  onComplete(trailers: string[] | null): void {
    this.#inner.onComplete(trailers);
  }
  onError(error: Error): void {
    this.#inner.onError(error);
  }
  onUpgrade(status: number, headers: Buffer[] | string[] | null, socket: Duplex): void {
    this.#inner.onUpgrade?.(status, headers, socket);
  }
  onBodySent(size: number, total: number): void {
    this.#inner.onBodySent?.(size, total);
  }
}

/** undici's `request()` run against a pool with a ConnectedNotifier around its handler. */
function requestNotifying(pool: Pool, options: Dispatcher.RequestOptions, connected: () => void) {
  const dispatcher = {
    dispatch: (opts: Dispatcher.DispatchOptions, handler: LegacyHandler) =>
      pool.dispatch(opts, new ConnectedNotifier(handler, connected)),
  };
  return (
    Pool.prototype.request as (options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>
  ).call(dispatcher, options);
}

/** One string per header name. undici makes a fresh object per response, so one that already has
 * only strings (nearly every one) is used as it is. */
function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  for (const name in headers) {
    if (typeof headers[name] !== "string") return joinRepeated(headers);
  }
  return headers as Record<string, string>;
}

function joinRepeated(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name] = typeof value === "string" ? value : value.join(", ");
  }
  return out;
}

/** What a transport's requests share: where they go, for messages, and how busy the pool is. */
export interface PoolState {
  readonly endpoint: string;
  readonly classify: ((error: unknown) => ConnectionError | undefined) | undefined;
  /** Sockets open. Counted here: undici's own stats walk every client on each read. */
  sockets: number;
  /**
   * Requests holding a socket, or waiting for one: sent, body neither ended nor destroyed. A body
   * its caller never reads nor cancels keeps counting; that costs later requests only the waiting
   * path's timer (the safe side), never a wait left without its timeout.
   */
  holding: number;
}

type ResponseBody = Dispatcher.ResponseData["body"];

/**
 * One request from send to the end of its body: its place in the pool's load, its connect timer
 * and abort wiring, and what its response reads through. One object per request rather than a
 * closure for each of those, since every request makes one.
 */
export class Exchange implements ResponseInit {
  status = 0;
  headers: Record<string, string> = {};
  body!: ResponseBody;
  readonly controller: AbortController | undefined;
  readonly #request: PreparedRequest;
  readonly #shared: PoolState;
  #holds = true;
  #timer: NodeJS.Timeout | undefined;
  /** Only with a caller's signal: relays its abort to the controller undici watches. */
  #onAbort: (() => void) | undefined;

  constructor(shared: PoolState, request: PreparedRequest, mayWait: boolean) {
    this.#shared = shared;
    this.#request = request;
    shared.holding++;
    const signal = request.signal;
    if (signal || mayWait) this.controller = new AbortController();
    if (signal) {
      this.#onAbort = () => this.controller?.abort(new AbortError(this.#what(), { cause: signal.reason }));
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  /** Sends on a free (or just-freed) socket: undici aborts such a request promptly by itself. */
  send(pool: Pool, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
    return pool.request(options);
  }

  /** Sends a request that may wait for a socket, timing that wait and answering an abort at once. */
  sendWaiting(pool: Pool, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
    const controller = this.controller!;
    const limit = this.#request.timeout.connect;
    const what = this.#what();
    this.#timer = setTimeout(() => controller.abort(new TimeoutError("connect", limit, what)), limit);
    const sent = requestNotifying(pool, options, () => clearTimeout(this.#timer));
    // One given up while it waits keeps its place in the load until undici settles it.
    this.#holds = false;
    return untilAborted(sent, controller.signal, () => this.#shared.holding--).then((data) => {
      this.#holds = true;
      return data;
    });
  }

  received(data: Dispatcher.ResponseData): void {
    clearTimeout(this.#timer);
    this.status = data.statusCode;
    this.headers = flatHeaders(data.headers);
    this.body = data.body;
    // "end" comes before a reader sees the body complete, so the next request already counts this
    // socket as free; "close" covers a body destroyed or failed instead.
    this.body.on("end", this.release).on("close", this.release);
  }

  /** Lets go of the socket (as the load counts it) and of the caller's signal; idempotent. */
  readonly release = (): void => {
    if (this.#holds) {
      this.#holds = false;
      this.#shared.holding--;
    }
    clearTimeout(this.#timer);
    if (this.#onAbort) this.#request.signal?.removeEventListener("abort", this.#onAbort);
  };

  async cancel(): Promise<void> {
    this.release();
    // Reads a short remainder so the connection can be reused; a long one is cut.
    await this.body.dump().catch(() => {});
  }

  mapError(error: unknown): unknown {
    return toTransportError(error, {
      endpoint: this.#shared.endpoint,
      what: this.#what(),
      timeout: this.#request.timeout,
      classify: this.#shared.classify,
    });
  }

  readAll(): Promise<Uint8Array> {
    return this.body.bytes();
  }

  readText(): Promise<string> {
    return this.body.text();
  }

  #what(): string {
    return `${this.#request.method} ${this.#request.path}`;
  }
}

/**
 * undici only notices an abort once the request has a socket, so a request still waiting for a
 * connection is settled here; if undici answers later anyway, that body is thrown away.
 * `settled` runs once undici is done with the request either way.
 */
function untilAborted(
  work: Promise<Dispatcher.ResponseData>,
  signal: AbortSignal,
  settled: () => void,
): Promise<Dispatcher.ResponseData> {
  return new Promise((resolve, reject) => {
    let gaveUp = false;
    const onAbort = () => {
      gaveUp = true;
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (data) => {
        signal.removeEventListener("abort", onAbort);
        if (!gaveUp) return resolve(data);
        data.body.destroy();
        settled();
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        settled();
        reject(error);
      },
    );
  });
}
