import type { Duplex } from "node:stream";
import { type Dispatcher, Pool } from "undici";
import { BaseTransport, type PreparedRequest } from "./base-transport.js";
import { type ConnectionError, TimeoutError } from "./errors.js";
import { Exchange, type PoolState } from "./socket-exchange.js";
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

/**
 * A transport over any byte stream: the adapter opens sockets, undici's keep-alive pool speaks
 * HTTP/1.1 on them. Unix, TCP, TLS, SSH and named pipes differ only in `openSocket`.
 */
export class SocketTransport extends BaseTransport {
  readonly endpoint: string;
  readonly #pool: Pool;
  readonly #options: SocketTransportOptions;
  readonly #state: PoolState;

  constructor(options: SocketTransportOptions) {
    super(options.timeout);
    this.endpoint = options.endpoint;
    this.#options = options;
    const connectLimit = this.defaults.connect;
    const state: PoolState = {
      endpoint: options.endpoint,
      classify: options.classifyError,
      sockets: 0,
      holding: 0,
    };
    this.#state = state;
    this.#pool = new Pool(`http://${options.authority ?? "localhost"}`, {
      connections: options.connections ?? 16,
      pipelining: 1,
      connect: (_opts, callback) => {
        openWithin(options.openSocket, connectLimit, this.endpoint).then(
          (socket) => {
            state.sockets++;
            socket.once("close", () => state.sockets--);
            callback(null, socket as never);
          },
          (error: Error) => callback(error, null),
        );
      },
    });
  }

  protected send(request: PreparedRequest): Promise<TransportResponse> {
    // A request waits for a connection only when every open socket is held by another request
    // (undici then opens one more, or queues it until one is released). Otherwise a socket is
    // free, or is being handed back (undici reuses a socket one turn of the event loop after its
    // response ends): no wait worth a timer. So the common case pays for no timer.
    // (The exchange counts itself among the holders, hence `>`.)
    const state = this.#state;
    const exchange = new Exchange(state, request);
    return exchange.send(
      this.#pool,
      {
        path: request.target,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body as Dispatcher.DispatchOptions["body"],
        headersTimeout: request.timeout.headers,
        bodyTimeout: request.timeout.body,
      },
      state.holding > state.sockets,
    );
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
