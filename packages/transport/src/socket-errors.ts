import { isFlotillaError } from "@flotilla/types";
import { AbortError, ConnectionError, TimeoutError, TransportClosedError } from "./errors.js";
import type { StageTimeouts } from "./transport.js";

export interface FailureContext {
  endpoint: string;
  /** `GET /services`, for messages. */
  what: string;
  timeout: Required<StageTimeouts>;
  /** Adapter-specific reading of a socket error (a TLS alert, say); undefined to fall through. */
  classify?: ((error: unknown) => ConnectionError | undefined) | undefined;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Maps what undici, node:net or a stream throws to one of our errors, keeping it as `cause`. */
export function toTransportError(error: unknown, context: FailureContext): Error {
  if (isFlotillaError(error)) return error;
  const classified = context.classify?.(error);
  if (classified) return classified;
  const code = codeOf(error);
  const cause = { cause: error };
  switch (code) {
    case "UND_ERR_CONNECT_TIMEOUT":
      return new TimeoutError("connect", context.timeout.connect, context.what, cause);
    case "UND_ERR_HEADERS_TIMEOUT":
      return new TimeoutError("headers", context.timeout.headers, context.what, cause);
    case "UND_ERR_BODY_TIMEOUT":
      return new TimeoutError("body", context.timeout.body, context.what, cause);
    case "UND_ERR_DESTROYED":
    case "UND_ERR_CLOSED":
      return new TransportClosedError(context.endpoint);
    case "UND_ERR_ABORTED":
    case "ABORT_ERR":
      return new AbortError(context.what, cause);
    case "UND_ERR_SOCKET":
    case "ECONNRESET":
    case "EPIPE":
    case "ERR_STREAM_PREMATURE_CLOSE":
      return new ConnectionError(
        "ERR_CONNECTION_LOST",
        {
          endpoint: context.endpoint,
          problem: `the connection closed during ${context.what}`,
          hint: "the engine restarted or the network dropped; retry if the request is safe to repeat",
        },
        cause,
      );
  }
  if ((error as Error | null)?.name === "AbortError") return new AbortError(context.what, cause);
  return new ConnectionError(
    "ERR_CONNECTION",
    {
      endpoint: context.endpoint,
      problem: `${context.what} failed (${code ?? String(error)})`,
      hint: "see `cause`",
    },
    cause,
  );
}
