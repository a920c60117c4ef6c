import { type GoTypeNode, goTypes } from "@flotilla/types";
import { EngineError, grpc } from "./errors.js";

// swarmkit refuses a spec by the size of its protobuf encoding: gRPC takes requests up to 4 MiB,
// and raft stores transactions up to 1.5 MiB. The size is estimated from the decoded spec as
// protobuf writes it (a 1-byte tag per field, varint lengths, zero scalars left out, maps as
// entries), which is exact for the specs that grow large (long strings, many labels) and off by
// a few bytes for fields protobuf encodes otherwise (durations, enums, tags past 15).

/** gRPC's default limit on a message a server receives. */
export const GRPC_MAX_MESSAGE = 4 * 1024 * 1024;
/** swarmkit's store.MaxTransactionBytes: the largest raft proposal. */
export const RAFT_MAX_TRANSACTION = 1.5 * 1024 * 1024;
/** What a service create adds around its spec in the raft proposal (IDs, meta, action), measured. */
const RAFT_SERVICE_OVERHEAD = 81;

const varintSize = (n: number) => {
  if (n < 0) return 10;
  let size = 1;
  for (let rest = Math.floor(n / 128); rest > 0; rest = Math.floor(rest / 128)) size++;
  return size;
};
const field = (content: number) => 1 + varintSize(content) + content;

/** The bytes `value` takes as a field of type `node`, or 0 when protobuf leaves it out. */
function fieldSize(node: GoTypeNode | undefined, value: unknown): number {
  if (value === undefined || value === null) return 0;
  const target = node?.kind === "ref" && node.ref ? goTypes[node.ref] : node;
  if (typeof value === "string") return value === "" ? 0 : field(Buffer.byteLength(value));
  if (typeof value === "boolean") return value ? 2 : 0;
  if (typeof value === "number") return value === 0 ? 0 : 1 + varintSize(value);
  if (Array.isArray(value))
    return value.reduce((sum: number, item) => sum + fieldSize(target?.items, item), 0);
  if (typeof value !== "object") return 0;
  const entries = Object.entries(value as Record<string, unknown>);
  if (target?.values) {
    return entries.reduce(
      (sum, [key, item]) => sum + field(fieldSize(undefined, key) + fieldSize(target.values, item)),
      0,
    );
  }
  return field(messageSize(target, value));
}

/** The bytes of a message's fields. */
function messageSize(node: GoTypeNode | undefined, value: object): number {
  let size = 0;
  for (const [key, item] of Object.entries(value)) size += fieldSize(node?.fields?.[key], item);
  return size;
}

/**
 * A stored service spec as protobuf holds it: the fake's `Runtime` string is which oneof is set
 * (no field of its own), and the default isolation is enum zero (left out).
 */
export function protobufView<T extends object>(spec: T): T {
  const s = spec as { TaskTemplate?: { Runtime?: unknown; ContainerSpec?: { Isolation?: unknown } } };
  if (!s.TaskTemplate) return spec;
  const { Runtime: _, ...task } = s.TaskTemplate;
  const container = task.ContainerSpec;
  if (container?.Isolation === "default") {
    const { Isolation: __, ...rest } = container;
    task.ContainerSpec = rest;
  }
  return { ...spec, TaskTemplate: task };
}

/**
 * The size of a spec of schema `schema` as the field of a request or stored object. In protobuf a
 * spec's Name and Labels sit in an Annotations message of their own, and a service's mode is a
 * oneof of the spec itself (no ServiceMode message around it).
 */
export function encodedSize(schema: string, spec: object): number {
  const node = goTypes[schema];
  const { Name, Labels, Mode, ...rest } = spec as Record<string, unknown>;
  const annotations = field(fieldSize(node?.fields?.Name, Name) + fieldSize(node?.fields?.Labels, Labels));
  const modeNode = goTypes.ServiceMode;
  const mode = Object.entries((Mode ?? {}) as Record<string, unknown>).reduce(
    (sum, [key, value]) => sum + fieldSize(modeNode?.fields?.[key], value),
    0,
  );
  return field(annotations + mode + messageSize(node, rest));
}

/**
 * gRPC refuses the request before swarmkit reads it (ResourceExhausted, of no errdefs kind).
 * `unreadBytes` of a string were not held: they add to the size one for one while every length
 * around them keeps its varint width, as when the held part of the string is past 2 MiB already
 * (the one huge value of an oversized spec) and the whole under 256 MiB.
 */
export function checkRequestSize(schema: string, spec: object, unreadBytes = 0): void {
  const size = encodedSize(schema, protobufView(spec)) + unreadBytes;
  if (size > GRPC_MAX_MESSAGE) throw requestTooLarge(size);
}

export function requestTooLarge(size: number): EngineError {
  return new EngineError(
    "Unknown",
    `rpc error: code = ResourceExhausted desc = grpc: received message larger than max (${size} vs. ${GRPC_MAX_MESSAGE})`,
  );
}

/** raft refuses to propose a service whose stored form is over its transaction limit. */
export function checkServiceTransaction(spec: object, previous?: object): void {
  const size =
    encodedSize("ServiceSpec", protobufView(spec)) +
    (previous ? encodedSize("ServiceSpec", protobufView(previous)) : 0) +
    RAFT_SERVICE_OVERHEAD;
  if (size > RAFT_MAX_TRANSACTION) throw grpc.unknown("raft: raft message is too large and can't be sent");
}
