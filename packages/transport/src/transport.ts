import type { Readable } from "node:stream";

// The one seam between Flotilla and an engine. Adapters implement it; wrappers (version
// negotiation) take one and give one; everything above sees nothing else.

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue | undefined };

/** A streamed request body: tar archives for builds, stdin for attach. */
export type StreamBody = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | Readable;

/**
 * What a request may carry. Plain values (strings included) are sent as JSON; bytes and streams as
 * they are, with `application/octet-stream` unless the caller sets a content type.
 */
export type RequestBody = JsonValue | object | Uint8Array | StreamBody;

export type QueryValue = string | number | boolean | undefined | null | readonly unknown[] | object;

/** Milliseconds per stage; 0 turns a stage's limit off. */
export interface StageTimeouts {
  /** Until a connection is ready for this request (including waiting for a free one). */
  connect?: number;
  /** From sending the request until the response headers arrive. */
  headers?: number;
  /** The longest silence between two body chunks (not the whole body: streams may run forever). */
  body?: number;
}

export interface TransportRequest {
  method: string;
  /** Unversioned path such as `/services/create`; the version wrapper adds `/v1.xx`. */
  path: string;
  /** Objects and arrays are JSON-encoded (what `filters` needs); undefined and null are left out. */
  query?: Readonly<Record<string, QueryValue>>;
  headers?: Readonly<Record<string, string>>;
  body?: RequestBody;
  signal?: AbortSignal;
  timeout?: StageTimeouts;
}

export interface TransportResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  json<T = unknown>(): Promise<T>;
  text(): Promise<string>;
  bytes(): Promise<Uint8Array>;
  /** The body as it arrives; pulling slowly applies backpressure to the engine. */
  stream(): AsyncIterable<Uint8Array>;
  /** Discards the body and frees the connection; safe to call after reading. */
  cancel(): Promise<void>;
}

export interface Transport extends AsyncDisposable {
  /** Where requests go, for messages: `unix:///var/run/docker.sock`, `ssh://root@host:22`, `memory://`. */
  readonly endpoint: string;
  request(request: TransportRequest): Promise<TransportResponse>;
  /** Frees every connection; requests in flight fail with ERR_TRANSPORT_CLOSED. Idempotent. */
  close(): Promise<void>;
}
