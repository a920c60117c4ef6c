import { FlotillaError } from "@flotilla/types";

// Errors the fake raises. `EngineError` is a refusal the engine would give: a kind, as moby's
// errdefs package names it, and the engine's message text. Which HTTP status a kind is answered
// with is dockerd's business (api/errdefs.ts), as httpstatus is in moby; nothing here knows HTTP.
// `FakeSwarmError` is misuse of the control API.

export class FakeSwarmError extends FlotillaError {}

/**
 * moby's errdefs kinds the fake's refusals have. `Unknown` is also what an error of no kind is
 * (a plain Go error), which the engine answers as a server error.
 */
export type ErrorKind =
  | "InvalidParameter"
  | "NotFound"
  | "Conflict"
  | "Unauthorized"
  | "Forbidden"
  | "Unavailable"
  | "NotImplemented"
  | "NotModified"
  | "System"
  | "Unknown";

/** The stable FlotillaError code of each kind. */
const CODES: Record<ErrorKind, string> = {
  InvalidParameter: "ERR_BAD_REQUEST",
  NotFound: "ERR_NOT_FOUND",
  Conflict: "ERR_CONFLICT",
  Unauthorized: "ERR_BAD_REQUEST",
  Forbidden: "ERR_BAD_REQUEST",
  Unavailable: "ERR_NOT_SWARM_MANAGER",
  NotImplemented: "ERR_NOT_IMPLEMENTED",
  NotModified: "ERR_BAD_REQUEST",
  System: "ERR_SERVER",
  Unknown: "ERR_SERVER",
};

export class EngineError extends FlotillaError {
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string) {
    super(CODES[kind], message);
    this.kind = kind;
  }
}

/**
 * swarmkit answers over gRPC; dockerd passes the status text through, so the messages carry it,
 * and gives each gRPC code the kind Docker 20.10's httputils gives it (FailedPrecondition, like
 * InvalidArgument, is a bad parameter; a code it does not list is of no kind).
 */
export const grpc = {
  invalid: (desc: string) =>
    new EngineError("InvalidParameter", `rpc error: code = InvalidArgument desc = ${desc}`),
  precondition: (desc: string) =>
    new EngineError("InvalidParameter", `rpc error: code = FailedPrecondition desc = ${desc}`),
  exists: (desc: string) => new EngineError("Conflict", `rpc error: code = AlreadyExists desc = ${desc}`),
  unimplemented: (desc: string) =>
    new EngineError("NotImplemented", `rpc error: code = Unimplemented desc = ${desc}`),
  unknown: (desc: string) => new EngineError("Unknown", `rpc error: code = Unknown desc = ${desc}`),
  notFound: (desc: string) => new EngineError("NotFound", `rpc error: code = NotFound desc = ${desc}`),
};

export const notFound = (kind: string, ref: string) =>
  new EngineError("NotFound", `${kind} ${ref} not found`);
export const outOfSequence = () => grpc.unknown("update out of sequence");

export const NOT_IN_SWARM =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
export const WORKER_NODE =
  "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";
export const ALREADY_IN_SWARM =
  'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.';
