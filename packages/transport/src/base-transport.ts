import { ValidationError } from "@flotilla/types";
import { apiErrorFor } from "./api-error.js";
import { AbortError, TransportClosedError } from "./errors.js";
import { withQuery } from "./query.js";
import { type EncodedBody, encodeBody } from "./request-body.js";
import type { StageTimeouts, Transport, TransportRequest, TransportResponse } from "./transport.js";

/** A request after the checks every adapter shares: query joined, body encoded, timeouts filled in. */
export interface PreparedRequest {
  method: string;
  /** Path and query, as sent. */
  target: string;
  /** Path alone, for messages. */
  path: string;
  headers: Record<string, string>;
  body: EncodedBody;
  signal: AbortSignal | undefined;
  timeout: Required<StageTimeouts>;
}

/** Connect within 30 s, headers within 2 min; bodies may idle forever (event and log streams do). */
export const DEFAULT_TIMEOUTS: Required<StageTimeouts> = { connect: 30_000, headers: 120_000, body: 0 };

const METHOD = /^[A-Z]+$/;

/**
 * Lifecycle and the rules every adapter shares, written once: argument checks, refusing work after
 * close, and turning error statuses into typed errors. Adapters fill in `send` and `shutdown`.
 */
export abstract class BaseTransport implements Transport {
  abstract readonly endpoint: string;
  protected readonly defaults: Required<StageTimeouts>;
  #closing: Promise<void> | undefined;

  constructor(timeout?: StageTimeouts) {
    this.defaults = Object.freeze({ ...DEFAULT_TIMEOUTS, ...timeout });
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  async request(request: TransportRequest): Promise<TransportResponse> {
    if (this.closed) throw new TransportClosedError(this.endpoint);
    const prepared = this.#prepare(request);
    if (prepared.signal?.aborted) {
      throw new AbortError(`${prepared.method} ${prepared.path}`, { cause: prepared.signal.reason });
    }
    const response = await this.send(prepared);
    if (response.status < 400) return response;
    // Error bodies are small JSON documents; read them whole to get the engine's message.
    const body = await response.text();
    throw apiErrorFor(response.status, prepared.method, prepared.path, body);
  }

  close(): Promise<void> {
    this.#closing ??= this.shutdown();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  protected abstract send(request: PreparedRequest): Promise<TransportResponse>;
  protected abstract shutdown(): Promise<void>;

  #prepare(request: TransportRequest): PreparedRequest {
    if (!METHOD.test(request.method)) {
      throw new ValidationError("request", [
        { path: "method", message: `not an HTTP method: ${request.method}` },
      ]);
    }
    if (!request.path.startsWith("/")) {
      throw new ValidationError("request", [
        { path: "path", message: `must start with "/": ${request.path}` },
      ]);
    }
    const { body, contentType } = encodeBody(request.body);
    const headers: Record<string, string> = {};
    const given = request.headers;
    for (const name in given) headers[name.toLowerCase()] = given[name]!;
    if (contentType !== undefined && headers["content-type"] === undefined)
      headers["content-type"] = contentType;
    return {
      method: request.method,
      target: withQuery(request.path, request.query),
      path: request.path,
      headers,
      body,
      signal: request.signal,
      // The defaults are never written to, so a request without its own limits shares them.
      timeout: request.timeout === undefined ? this.defaults : { ...this.defaults, ...request.timeout },
    };
  }
}
