import type { IncomingMessage } from "node:http";
import type { Duration as DurationText } from "../core/duration.js";
import { toMillis } from "../core/duration.js";

// What dockerd 20.10 allows one connection, and how it answers past that, so the served fake
// holds no more and waits no longer than the engine would (and refuses no sooner).
//
// - A request line and headers up to Go's http.DefaultMaxHeaderBytes (1 MiB) and the 4096 bytes
//   of slack its server reads past that: measured on Docker 20.10.24, 1,052,672 bytes are taken
//   and one more is answered 431 with Go's plain-text page, and the connection closed.
// - dockerd sets ReadHeaderTimeout to 5 minutes and no other timeout (api/server/server.go since
//   20.10.22): a connection that sends nothing, sends its headers slowly, or sits idle between
//   requests is closed after 5 minutes, without an answer (measured: each at 300.0 s).
// - dockerd sets no timeout on a body. The fake bounds the whole request (headers and body) at
//   Node's documented default `requestTimeout`, 5 minutes, and closes the connection as for a
//   header timeout. Only receiving a request is bounded: an answer that streams (`/events`,
//   `logs --follow`) runs as long as its client reads it.

/** Go's DefaultMaxHeaderBytes and the slack net/http adds: the most of a head dockerd reads. */
export const HEADER_LIMIT = (1 << 20) + 4096;

export interface ServerBounds {
  /** Until a request's headers have arrived, and between keep-alive requests. Default 5m, as dockerd. */
  headerTimeout?: DurationText;
  /** Until a request's body has arrived. Default 5m (dockerd has none). */
  requestTimeout?: DurationText;
}

export interface ResolvedBounds {
  headerTimeout: number;
  requestTimeout: number;
  /** How often node:http looks for connections past a timeout. */
  checkInterval: number;
}

export function resolveBounds(bounds: ServerBounds = {}): ResolvedBounds {
  const headerTimeout = toMillis(bounds.headerTimeout ?? "5m");
  // node:http refuses a header timeout longer than the request's, which contains it.
  const requestTimeout = Math.max(headerTimeout, toMillis(bounds.requestTimeout ?? "5m"));
  // Go's deadlines are exact; node:http sweeps for expired connections. A sweep every tenth of
  // the shorter timeout (at most each second) closes within 10% of it.
  const checkInterval = Math.max(5, Math.min(1000, Math.floor(Math.min(headerTimeout, requestTimeout) / 10)));
  return { headerTimeout, requestTimeout, checkInterval };
}

/**
 * The size of a request's head as Go counts it (request line, headers, blank line), rebuilt from
 * what node:http parsed. node:http counts a little less than Go (not the `: ` and line ends), so
 * it lets through a head a few bytes past Go's limit; this catches those.
 */
export function headBytes(req: IncomingMessage): number {
  let size = Buffer.byteLength(`${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`) + 2;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    size += Buffer.byteLength(raw[i]!) + Buffer.byteLength(raw[i + 1]!) + 4;
  }
  return size;
}

/** Go's answer to a request it cannot read: its status line, a plain-text page, then close. */
function goRefusal(status: string): string {
  return `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${status}`;
}

export const HEADERS_TOO_LARGE = goRefusal("431 Request Header Fields Too Large");
const BAD_REQUEST = goRefusal("400 Bad Request");

/**
 * What the fake writes, as Go's server does, when node:http cannot take a request: undefined to
 * close without a word (a timeout, as Go's deadline; a connection already gone).
 */
export function refusalFor(code: string | undefined): string | undefined {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return HEADERS_TOO_LARGE;
    case "ERR_HTTP_REQUEST_TIMEOUT":
    case "ECONNRESET":
    case "EPIPE":
      return undefined;
    default:
      return BAD_REQUEST;
  }
}
