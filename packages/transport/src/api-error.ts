import { ApiError, ConflictError, NotFoundError, NotSwarmManagerError, VersionError } from "./errors.js";

// The engine's 503 for swarm endpoints on a node that cannot serve them (moby daemon/cluster):
// "This node is not a swarm manager. Use "docker swarm init" ..." when not in a swarm, and
// "This node is not a swarm manager. Worker nodes can't be used ..." on a worker.
const NOT_SWARM_MANAGER = /not a swarm manager|not part of a swarm/i;
// 400 "client version 1.99 is too new. Maximum supported API version is 1.41" (and "too old").
const VERSION_REFUSED = /client version \S+ is too (new|old)/i;
const ENGINE_VERSION = /(?:maximum|minimum) supported API version is (\d+\.\d+)/i;

/** The engine's own words from an error body: `{"message": ...}` when JSON, else the text. */
export function engineMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && Object.hasOwn(parsed, "message")) {
      const message = (parsed as { message: unknown }).message;
      // Not every server that answers is an engine: a message that is not text is shown as the
      // body was written (below), never as JavaScript's "[object Object]".
      if (typeof message === "string") return message.trim();
    }
  } catch {
    // Not JSON: some proxies and old engines answer in plain text.
  }
  return body.trim().slice(0, 500);
}

/** Turns an error status into the most specific error class for it. */
export function apiErrorFor(
  status: number,
  method: string,
  path: string,
  body: string,
): ApiError | VersionError {
  const init = { status, method, path, engineMessage: engineMessage(body) };
  if (status === 404) return new NotFoundError(init);
  if (status === 409) return new ConflictError(init);
  if (status === 503 && NOT_SWARM_MANAGER.test(init.engineMessage)) return new NotSwarmManagerError(init);
  if (status === 400 && VERSION_REFUSED.test(init.engineMessage)) {
    return new VersionError(
      `${method} ${path}: ${init.engineMessage}`,
      ENGINE_VERSION.exec(init.engineMessage)?.[1],
    );
  }
  return new ApiError(init);
}
