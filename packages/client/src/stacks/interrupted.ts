import {
  ApiError,
  ConnectionError,
  NoEndpointAnsweredError,
  TimeoutError,
  TransportClosedError,
  UncertainWriteError,
} from "@flotilla/transport";
import { FlotillaError } from "@flotilla/types";

// A deploy writes its services one at a time, and each write is whole (the engine replaces a
// service's spec in one step), so a deploy cut short leaves every service at its old spec or its
// new one. What the user needs to know then is which are which: this error says it, and that
// deploying again finishes the job.

/** Errors that mean the swarm could not be reached or could not answer, rather than a refusal of what was sent. */
export function isLostContact(error: unknown): boolean {
  if (error instanceof ApiError) return error.status >= 500;
  return (
    error instanceof ConnectionError ||
    error instanceof UncertainWriteError ||
    error instanceof NoEndpointAnsweredError ||
    error instanceof TimeoutError ||
    error instanceof TransportClosedError
  );
}

/** Where a deploy stood when it was cut short; service names in the order they were deployed. */
export interface DeployStanding {
  created: string[];
  updated: string[];
  /** The service being written when contact was lost: its write may or may not have been applied. */
  inDoubt?: string;
  /** Neither created nor updated. */
  notDone: string[];
}

/**
 * The swarm stopped answering in the middle of a stack deploy. At stage "write", some services
 * were created or updated and the rest were not; at stage "wait", every one was, and the wait for
 * them to converge was cut. Deploying the same files again converges either way.
 */
export class StackDeployInterruptedError extends FlotillaError {
  /** The stack's name (`stack` is the error's trace). */
  readonly stackName: string;
  readonly stage: "write" | "wait";
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly inDoubt: string | undefined;
  readonly notDone: readonly string[];

  constructor(stack: string, stage: "write" | "wait", standing: DeployStanding, cause: unknown) {
    super("ERR_STACK_DEPLOY_INTERRUPTED", sentence(stack, stage, standing, reasonOf(cause)), { cause });
    this.stackName = stack;
    this.stage = stage;
    this.created = [...standing.created];
    this.updated = [...standing.updated];
    this.inDoubt = standing.inDoubt;
    this.notDone = [...standing.notDone];
  }
}

function sentence(stack: string, stage: "write" | "wait", s: DeployStanding, reason: string): string {
  const done = [
    s.created.length > 0 && `created ${list(s.created)}`,
    s.updated.length > 0 && `updated ${list(s.updated)}`,
  ].filter(Boolean);
  if (stage === "wait") {
    return (
      `stack ${stack}: every service was created or updated (${done.join("; ")}), but the wait for ` +
      `them to converge was cut short because ${reason}; deploy it again to see them converge`
    );
  }
  const parts = [
    ...done,
    s.inDoubt && `unknown whether ${s.inDoubt} was written`,
    s.notDone.length > 0 && `not created or updated: ${list(s.notDone)}`,
  ].filter(Boolean);
  return `stack ${stack} was deployed only in part because ${reason} (${parts.join("; ")}); deploy it again to finish`;
}

function list(names: readonly string[]): string {
  return names.join(", ");
}

// swarmkit's words come wrapped in gRPC's framing; the rest are our own errors' messages.
const RPC_FRAMING = /^rpc error: code = \w+ desc = /;

function reasonOf(cause: unknown): string {
  if (cause instanceof UncertainWriteError) return `${cause.endpoint} stopped answering`;
  if (cause instanceof ApiError) {
    const said = cause.engineMessage.replace(RPC_FRAMING, "");
    // A manager waits this long (20 s in moby) for the swarm's leader, as while one is elected.
    if (/^context deadline exceeded$/.test(said)) {
      return `a manager gave up waiting for the swarm's leader (${cause.status}: ${said})`;
    }
    return `the swarm answered ${cause.status}: ${said}`;
  }
  if (cause instanceof NoEndpointAnsweredError) {
    // The last endpoint's failure says the most about the swarm now.
    const last = cause.failures.at(-1)?.error;
    return `no manager could answer (the last: ${last === undefined ? cause.message : reasonOf(last)})`;
  }
  if (cause instanceof FlotillaError) return cause.message;
  return String(cause);
}
