import type { EngineError, ErrorKind } from "../core/errors.js";

// The one place an error's kind becomes an HTTP status, as moby's api/server/httpstatus does
// (httputils in Docker 20.10). Every refusal the fake answers, swarmkit's or dockerd's own
// (a body it cannot decode, a bad query), goes through it.

export const HTTP_STATUS: Readonly<Record<ErrorKind, number>> = {
  NotModified: 304,
  InvalidParameter: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  System: 500,
  Unknown: 500,
  NotImplemented: 501,
  Unavailable: 503,
};

export function httpStatus(error: EngineError): number {
  return HTTP_STATUS[error.kind];
}
