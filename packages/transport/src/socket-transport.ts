import type { Duplex } from "node:stream";
import { type Dispatcher, Pool } from "undici";
import { BaseTransport, type PreparedRequest } from "./base-transport.js";
import { AbortError, type ConnectionError, TimeoutError } from "./errors.js";
import { IterableResponse } from "./iterable-response.js";
import { type FailureContext, toTransportError } from "./socket-errors.js";
import type { StageTimeouts, TransportResponse } from "./transport.js";

/** Opens one connected byte stream to the engine, or throws a ConnectionError saying why not. */
export type OpenSocket = () => Promise<Duplex>;

export interface SocketTransportOptions {
  /** Where requests go, for messages. */
  endpoint: string;
  openSocket: OpenSocket;
  /** The Host header; the engine ignores it, proxies in front of it may not. */
  authority?: string;
  /** Most connections kept open at once (each one request at a time). */
  connections?: number;
  timeout?: StageTimeouts;
  /** Reads adapter-specific socket errors, such as a TLS alert arriving after the handshake. */
  classifyError?: (error: unknown) => ConnectionError | undefined;
  /** Runs after every socket is freed: ends an SSH session, say. */
  onClose?: () => Promise<void>;
}

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

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/**
 * A transport over any byte stream: the adapter opens sockets, undici's keep-alive pool speaks
 * HTTP/1.1 on them. Unix, TCP, TLS, SSH and named pipes differ only in `openSocket`.
 */
export class SocketTransport extends BaseTransport {
  readonly endpoint: string;
  readonly #pool: Pool;
  readonly #options: SocketTransportOptions;

  constructor(options: SocketTransportOptions) {
    super(options.timeout);
    this.endpoint = options.endpoint;
    this.#options = options;
    const connectLimit = this.defaults.connect;
    this.#pool = new Pool(`http://${options.authority ?? "localhost"}`, {
      connections: options.connections ?? 16,
      pipelining: 1,
      connect: (_opts, callback) => {
        openWithin(options.openSocket, connectLimit, this.endpoint).then(
          (socket) => callback(null, socket as never),
          (error: Error) => callback(error, null),
        );
      },
    });
  }

  protected async send(request: PreparedRequest): Promise<TransportResponse> {
    const what = `${request.method} ${request.path}`;
    const context: FailureContext = {
      endpoint: this.endpoint,
      what,
      timeout: request.timeout,
      classify: this.#options.classifyError,
    };
    const signal = request.signal;
    // Only a request that may wait for a socket needs a connect timer, and only a timer or a
    // caller's signal needs a controller: the common case (a free kept-alive socket) pays for neither.
    const limit = request.timeout.connect;
    const mayWait = limit > 0 && this.#pool.stats.free === 0;
    const controller = signal || mayWait ? new AbortController() : undefined;
    const onAbort = () => controller?.abort(new AbortError(what, { cause: signal?.reason }));
    signal?.addEventListener("abort", onAbort, { once: true });
    let connectTimer: NodeJS.Timeout | undefined;
    const release = () => {
      clearTimeout(connectTimer);
      signal?.removeEventListener("abort", onAbort);
    };
    const options: Dispatcher.RequestOptions = {
      path: request.target,
      method: request.method as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body as Dispatcher.RequestOptions["body"],
      signal: controller?.signal,
      headersTimeout: request.timeout.headers,
      bodyTimeout: request.timeout.body,
    };
    if (mayWait && controller) {
      connectTimer = setTimeout(() => controller.abort(new TimeoutError("connect", limit, what)), limit);
    }
    let data: Dispatcher.ResponseData;
    try {
      const sent = mayWait
        ? requestNotifying(this.#pool, options, () => clearTimeout(connectTimer))
        : this.#pool.request(options);
      data = await (controller ? untilAborted(sent, controller.signal) : sent);
    } catch (error) {
      release();
      throw toTransportError(error, context);
    }
    clearTimeout(connectTimer);
    const body = data.body;
    body.once("close", release);
    return new IterableResponse({
      status: data.statusCode,
      headers: flatHeaders(data.headers),
      body,
      cancel: async () => {
        release();
        // Reads a short remainder so the connection can be reused; a long one is cut.
        await body.dump().catch(() => {});
      },
      mapError: (error) => toTransportError(error, context),
      readAll: () => body.bytes(),
    });
  }

  protected async shutdown(): Promise<void> {
    // destroy, not close: a transport with an endless /events stream open must still close.
    await this.#pool.destroy();
    await this.#options.onClose?.();
  }
}

async function openWithin(openSocket: OpenSocket, ms: number, endpoint: string): Promise<Duplex> {
  if (ms <= 0) return openSocket();
  let timer: NodeJS.Timeout | undefined;
  const opening = openSocket();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError("connect", ms, `connecting to ${endpoint}`)), ms);
  });
  try {
    return await Promise.race([opening, timeout]);
  } catch (error) {
    // A socket that arrives after we gave up must not linger.
    opening.then((socket) => socket.destroy()).catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * undici only notices an abort once the request has a socket, so a request still waiting for a
 * connection is settled here; if undici answers later anyway, that body is thrown away.
 */
function untilAborted(
  work: Promise<Dispatcher.ResponseData>,
  signal: AbortSignal,
): Promise<Dispatcher.ResponseData> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      work.then(
        (late) => late.body.destroy(),
        () => {},
      );
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
