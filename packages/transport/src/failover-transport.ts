import { FlotillaError, isFlotillaError } from "@flotilla/types";
import { ApiError, ConnectionError, TimeoutError, TransportClosedError } from "./errors.js";
import type { Transport, TransportRequest, TransportResponse } from "./transport.js";

// Several managers of one swarm behind one transport. Requests go to the manager in use; when it
// stops answering, the next one takes over and stays in use. What may be repeated on another
// manager depends on whether the first one can have acted on the request: one that never reached
// it (refused, no socket, connect timeout) or that it refused as a non-manager moves on freely;
// a read moves on whatever happened; a write that was sent and then lost its connection may have
// been applied, so it fails with UncertainWriteError and the caller decides (after re-reading).

export interface FailoverTransportOptions {
  /**
   * Writes that may be repeated on another manager after their connection was lost mid-request,
   * because repeating them is harmless. None by default.
   */
  retryWrites?: (request: TransportRequest) => boolean;
}

/** A write was sent to a manager that then stopped answering: it may or may not have been applied. */
export class UncertainWriteError extends FlotillaError {
  /** The endpoint that was sent the write. */
  readonly endpoint: string;
  /** The endpoint now in use, for a retry. */
  readonly next: string;
  readonly method: string;
  readonly path: string;

  constructor(
    init: { endpoint: string; next: string; method: string; path: string },
    options?: { cause?: unknown },
  ) {
    super(
      "ERR_WRITE_UNCERTAIN",
      `${init.method} ${init.path}: ${init.endpoint} stopped answering after the request was sent, so it ` +
        `may or may not have been applied; now using ${init.next}: read the current state before retrying`,
      options,
    );
    this.endpoint = init.endpoint;
    this.next = init.next;
    this.method = init.method;
    this.path = init.path;
  }
}

/** Every endpoint was tried for one request and none could serve it; `failures` says why, in order. */
export class NoEndpointAnsweredError extends FlotillaError {
  readonly failures: readonly { endpoint: string; error: unknown }[];

  constructor(what: string, failures: { endpoint: string; error: unknown }[]) {
    const reasons = failures.map((f) => `${f.endpoint}: ${(f.error as Error)?.message ?? String(f.error)}`);
    super("ERR_NO_ENDPOINT", `${what}: no endpoint could serve it (${reasons.join("; ")})`, {
      cause: failures.at(-1)?.error,
    });
    this.failures = failures;
  }
}

const NEVER_SENT = new Set(["ERR_SOCKET_NOT_FOUND", "ERR_CONNECTION_REFUSED"]);
/** Socket errors that only connecting raises (node:net's, kept as the ConnectionError's cause). */
const CONNECT_ERRNOS = new Set([
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "EADDRNOTAVAIL",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const READS = new Set(["GET", "HEAD"]);

function isStream(body: unknown): boolean {
  if (typeof body !== "object" || body === null || body instanceof Uint8Array) return false;
  return Symbol.asyncIterator in body || typeof (body as ReadableStream).getReader === "function";
}

/** How an endpoint's failure bears on trying the next one. */
type Verdict = "answer" | "move-on" | "uncertain";

function verdictOf(error: unknown, request: TransportRequest, retryWrites: boolean): Verdict {
  // The node answered as a worker (or from outside any swarm): it did nothing, another may.
  if (error instanceof ApiError) return error.status === 503 ? "move-on" : "answer";
  if (error instanceof TimeoutError && error.stage === "connect") return "move-on";
  if (!(error instanceof ConnectionError)) return "answer";
  // Refused at the door: nothing was sent (TLS and SSH fail before any HTTP byte, too).
  if (NEVER_SENT.has(error.code) || error.code === "ERR_PERMISSION_DENIED") return "move-on";
  const errno = (error.cause as { code?: unknown } | undefined)?.code;
  if (typeof errno === "string" && CONNECT_ERRNOS.has(errno)) return "move-on";
  if (error.code.startsWith("ERR_TLS") || error.code.startsWith("ERR_SSH")) return "move-on";
  // A streamed body was read by the first attempt and cannot be sent again.
  if (isStream(request.body)) return READS.has(request.method) ? "answer" : "uncertain";
  return READS.has(request.method) || retryWrites ? "move-on" : "uncertain";
}

/**
 * Tries its transports in order, sticking to the first that answers; see the file comment for
 * when a request moves on. Errors while a response body streams are the body's own (a followed
 * log stream whose manager dies ends with that ConnectionError); the next request moves on.
 */
export class FailoverTransport implements Transport {
  readonly transports: readonly Transport[];
  readonly #retryWrites: (request: TransportRequest) => boolean;
  #current = 0;
  #closed = false;

  constructor(transports: readonly Transport[], options: FailoverTransportOptions = {}) {
    if (transports.length === 0) throw new TypeError("FailoverTransport needs at least one transport");
    this.transports = transports;
    this.#retryWrites = options.retryWrites ?? (() => false);
  }

  /** The endpoint in use now. */
  get endpoint(): string {
    return this.transports[this.#current]!.endpoint;
  }

  get endpoints(): string[] {
    return this.transports.map((t) => t.endpoint);
  }

  async request(request: TransportRequest): Promise<TransportResponse> {
    if (this.#closed) throw new TransportClosedError(this.endpoint);
    const failures: { endpoint: string; error: unknown }[] = [];
    const start = this.#current;
    const count = this.transports.length;
    for (let step = 0; step < count; step++) {
      const index = (start + step) % count;
      const transport = this.transports[index]!;
      try {
        const response = await transport.request(request);
        this.#current = index;
        return response;
      } catch (error) {
        if (request.signal?.aborted || !isFlotillaError(error)) throw error;
        const verdict = count === 1 ? "answer" : verdictOf(error, request, this.#retryWrites(request));
        if (verdict === "answer") throw error;
        failures.push({ endpoint: transport.endpoint, error });
        const next = (index + 1) % count;
        // Only move the shared position off an endpoint that is still the one in use: concurrent
        // requests that fail on the same dead manager must not skip the next one.
        if (this.#current === index) this.#current = next;
        if (verdict === "uncertain") {
          throw new UncertainWriteError(
            {
              endpoint: transport.endpoint,
              next: this.transports[next]!.endpoint,
              method: request.method,
              path: request.path,
            },
            { cause: error },
          );
        }
      }
    }
    // Every node refused as a non-manager: that answer is the truest one to give.
    const last = failures.at(-1)?.error;
    if (failures.every((f) => f.error instanceof ApiError)) throw last;
    throw new NoEndpointAnsweredError(`${request.method} ${request.path}`, failures);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.transports.map((t) => t.close()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
