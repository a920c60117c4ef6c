import type { Dispatcher, Pool } from "undici";
import type { PreparedRequest } from "./base-transport.js";
import { AbortError, type ConnectionError, TimeoutError } from "./errors.js";
import { IterableResponse, type ResponseInit } from "./iterable-response.js";
import { ResponseBody } from "./response-body.js";
import { toTransportError } from "./socket-errors.js";
import type { TransportResponse } from "./transport.js";

// One request over a SocketTransport's pool, from send to the end of its body. It is undici's
// dispatch handler itself rather than a user of `pool.request()`: that builds, per request, a
// handler in its own async scope, a Readable for the body and a body mixin on top, all to be
// read whole in the common case. Here chunks go straight into the response, and a stream exists
// only for a caller that asks for one.

/** What a transport's requests share: where they go, for messages, and how busy the pool is. */
export interface PoolState {
  readonly endpoint: string;
  readonly classify: ((error: unknown) => ConnectionError | undefined) | undefined;
  /** Sockets open. Counted here: undici's own stats walk every client on each read. */
  sockets: number;
  /**
   * Requests holding a socket, or waiting for one: sent, response neither complete nor failed. A
   * body its caller neither reads nor cancels holds its socket only while it is larger than what
   * is buffered before the socket is paused; then it keeps counting, which costs later requests
   * only the waiting path's timer (the safe side), never a wait left without its timeout.
   */
  holding: number;
}

/**
 * undici's callback-style handler (`onConnect`, `onHeaders`, ...): undici passes it through as it
 * is, where the newer controller-style one is wrapped per request and has its headers parsed twice.
 */
export class Exchange implements ResponseInit {
  status = 0;
  headers: Record<string, string> = {};
  readonly body: ResponseBody;
  readonly #request: PreparedRequest;
  readonly #shared: PoolState;
  #holds = true;
  #timer: NodeJS.Timeout | undefined;
  /** undici's abort for this request, once it has a socket. */
  #abort: ((error: Error) => void) | undefined;
  /** Why the request was given up before it had a socket: undici is told on connect. */
  #reason: Error | undefined;
  #resolve: ((response: TransportResponse) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  /** Only with a caller's signal. */
  #onAbort: (() => void) | undefined;

  constructor(shared: PoolState, request: PreparedRequest) {
    this.#shared = shared;
    this.#request = request;
    this.body = new ResponseBody(this);
    shared.holding++;
    const signal = request.signal;
    if (signal) {
      this.#onAbort = () => this.giveUp(new AbortError(this.#what(), { cause: signal.reason }));
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  /**
   * Sends the request; settles when the headers arrive. `mayWait` (every open socket is held by
   * another request) arms the connect-stage timer, stopped when undici hands over a socket.
   */
  send(pool: Pool, options: Dispatcher.DispatchOptions, mayWait: boolean): Promise<TransportResponse> {
    const limit = this.#request.timeout.connect;
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      if (mayWait && limit > 0) {
        this.#timer = setTimeout(() => this.giveUp(new TimeoutError("connect", limit, this.#what())), limit);
      }
      pool.dispatch(options, this);
    });
  }

  /**
   * Ends the request with `reason`. undici only notices an abort once the request has a socket,
   * so one still waiting for a connection fails here at once, and undici is told when it connects.
   */
  giveUp(reason: Error): void {
    if (this.#abort) {
      this.#abort(reason);
      return;
    }
    this.#reason ??= reason;
    this.#fail(reason);
  }

  onConnect(abort: (error: Error) => void): void {
    clearTimeout(this.#timer);
    if (this.#reason) abort(this.#reason);
    else this.#abort = abort;
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    // 1xx answers are interim: the real one follows.
    if (status < 200) return true;
    this.status = status;
    this.headers = parseHeaders(raw);
    this.body.resume = resume;
    const resolve = this.#resolve;
    this.#settled();
    resolve?.(new IterableResponse(this));
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.body.push(chunk);
  }

  onComplete(): void {
    this.release();
    this.body.end();
  }

  onError(error: Error): void {
    this.release();
    if (this.#resolve !== undefined) this.#fail(error);
    else this.body.fail(error);
    const sent = this.#request.body as { destroy?: (error: Error) => void } | undefined;
    if (typeof sent?.destroy === "function") sent.destroy(error);
  }

  /** Lets go of the socket (as the load counts it), the timer and the caller's signal; idempotent. */
  release(): void {
    if (this.#holds) {
      this.#holds = false;
      this.#shared.holding--;
    }
    clearTimeout(this.#timer);
    if (this.#onAbort) {
      this.#request.signal?.removeEventListener("abort", this.#onAbort);
      this.#onAbort = undefined;
    }
  }

  cancel(): Promise<void> {
    return this.body.discard();
  }

  /** Cuts the connection under a body that is not worth reading to its end. */
  abortBody(): void {
    this.#abort?.(new AbortError(`${this.#what()} (body discarded)`));
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

  #fail(error: unknown): void {
    const reject = this.#reject;
    this.#settled();
    reject?.(this.mapError(error));
  }

  #settled(): void {
    this.#resolve = undefined;
    this.#reject = undefined;
  }

  #what(): string {
    return `${this.#request.method} ${this.#request.path}`;
  }
}

/** Lower-case names, one string per name (repeated headers joined with ", "), values as latin1. */
function parseHeaders(raw: Buffer[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString("latin1").toLowerCase();
    const value = raw[i + 1]!.toString("latin1");
    // Inherited members ("constructor") are never strings, so this finds only our own entries.
    const seen = headers[name];
    if (typeof seen === "string") headers[name] = `${seen}, ${value}`;
    else if (name === "__proto__")
      Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
    else headers[name] = value;
  }
  return headers;
}
