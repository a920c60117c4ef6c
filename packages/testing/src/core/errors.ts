import { FlotillaError } from "@flotilla/types";

// Errors the fake raises. `EngineError` is an answer the engine would give (status + its message
// text, sent back as `{"message": ...}`); `FakeSwarmError` is misuse of the control API.

export class FakeSwarmError extends FlotillaError {}

export class EngineError extends FlotillaError {
  readonly status: number;

  constructor(status: number, message: string, code = codeFor(status)) {
    super(code, message);
    this.status = status;
  }
}

function codeFor(status: number): string {
  if (status === 404) return "ERR_NOT_FOUND";
  if (status === 409) return "ERR_CONFLICT";
  if (status === 503) return "ERR_NOT_SWARM_MANAGER";
  if (status === 501) return "ERR_NOT_IMPLEMENTED";
  if (status >= 500) return "ERR_SERVER";
  return "ERR_BAD_REQUEST";
}

// swarmkit answers over gRPC; dockerd passes the status text through, so the messages carry it.
export const grpc = {
  invalid: (desc: string) => new EngineError(400, `rpc error: code = InvalidArgument desc = ${desc}`),
  precondition: (desc: string) => new EngineError(400, `rpc error: code = FailedPrecondition desc = ${desc}`),
  exists: (desc: string) => new EngineError(409, `rpc error: code = AlreadyExists desc = ${desc}`),
  unimplemented: (desc: string) => new EngineError(501, `rpc error: code = Unimplemented desc = ${desc}`),
  unknown: (desc: string) => new EngineError(500, `rpc error: code = Unknown desc = ${desc}`),
  notFound: (desc: string) => new EngineError(404, `rpc error: code = NotFound desc = ${desc}`),
};

export const notFound = (kind: string, ref: string) => new EngineError(404, `${kind} ${ref} not found`);
export const outOfSequence = () => grpc.unknown("update out of sequence");

export const NOT_IN_SWARM =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
export const WORKER_NODE =
  "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";
export const ALREADY_IN_SWARM =
  'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.';
