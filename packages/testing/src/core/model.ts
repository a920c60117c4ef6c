import type {
  ClusterInfo,
  ConfigSpec,
  NodeDescription,
  NodeSpec,
  ObjectVersion,
  SecretSpec,
  ServiceSpec,
  TaskSpec,
  TaskState,
} from "@flotilla/types";

// The state as the engine keeps it. Stored objects are already in the wire shape so that a list is
// a filter and a JSON.stringify; bookkeeping the engine does not show lives in `Runtime` records.

export type { TaskState };

/** swarmkit's order of task states: comparisons such as "at most running" read off this table. */
export const STATE_RANK: Record<TaskState, number> = {
  new: 0,
  allocated: 1,
  pending: 2,
  assigned: 3,
  accepted: 4,
  preparing: 5,
  ready: 6,
  starting: 7,
  running: 8,
  complete: 9,
  shutdown: 10,
  failed: 11,
  rejected: 12,
  remove: 13,
  orphaned: 14,
};

export const rank = (state: TaskState) => STATE_RANK[state];
export const isTerminal = (state: TaskState) => STATE_RANK[state] > STATE_RANK.running;

interface Meta {
  ID: string;
  Version: Required<ObjectVersion>;
  CreatedAt: string;
  UpdatedAt: string;
}

export interface StoredUpdateStatus {
  State: "updating" | "paused" | "completed" | "rollback_started" | "rollback_paused" | "rollback_completed";
  StartedAt?: string;
  CompletedAt?: string;
  Message: string;
}

export interface StoredService extends Meta {
  Spec: ServiceSpec & { Name: string; TaskTemplate: TaskSpec };
  PreviousSpec?: ServiceSpec;
  Endpoint: { Spec: object; Ports?: object[]; VirtualIPs?: object[] };
  UpdateStatus?: StoredUpdateStatus;
  JobStatus?: { JobIteration: ObjectVersion; LastExecution?: string };
}

export interface StoredContainerStatus {
  ContainerID: string;
  PID: number;
  ExitCode: number;
}

export interface StoredTask extends Meta {
  Labels: Record<string, string>;
  Spec: TaskSpec;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  Status: {
    Timestamp: string;
    State: TaskState;
    Message: string;
    Err?: string;
    ContainerStatus?: StoredContainerStatus;
    PortStatus: object;
  };
  DesiredState: TaskState;
  /** The networks the allocator attached the task to, in the swarm object shape. */
  NetworksAttachments?: { Network: { ID: string } & Record<string, unknown>; Addresses: string[] }[];
  JobIteration?: ObjectVersion;
}

export interface StoredNode extends Meta {
  Spec: Required<Pick<NodeSpec, "Labels" | "Role" | "Availability">> & NodeSpec;
  Description: NodeDescription & {
    Hostname: string;
    Platform: { Architecture: string; OS: string };
    Resources: { NanoCPUs: number; MemoryBytes: number };
    Engine: {
      EngineVersion: string;
      Labels?: Record<string, string>;
      Plugins: { Type: string; Name: string }[];
    };
  };
  Status: { State: "unknown" | "down" | "ready" | "disconnected"; Addr: string; Message?: string };
  ManagerStatus?: { Leader?: boolean; Reachability: "unknown" | "unreachable" | "reachable"; Addr: string };
}

export interface StoredSecret extends Meta {
  Spec: SecretSpec & { Name: string; Labels: Record<string, string> };
}

export interface StoredConfig extends Meta {
  Spec: ConfigSpec & { Name: string; Labels: Record<string, string> };
}

/** Networks answer in the Docker network shape (Id, Created), not the swarm object shape. */
export interface StoredNetwork {
  Name: string;
  Id: string;
  Created: string;
  Scope: "swarm";
  Driver: string;
  EnableIPv6: boolean;
  IPAM: {
    Driver: string;
    Options: Record<string, string> | null;
    Config: {
      Subnet?: string;
      Gateway?: string;
      IPRange?: string;
      AuxiliaryAddresses?: Record<string, string>;
    }[];
  };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: null;
  Options: Record<string, string>;
  Labels: Record<string, string> | null;
}

export type StoredSwarm = ClusterInfo & Meta & { JoinTokens: { Worker: string; Manager: string } };

/** What happens to a task on its node, beyond what the engine shows. */
export interface TaskRuntime {
  /** Bumped on every scheduled agent step; a timer carrying an older token is stale. */
  token: number;
  startedAt?: number;
  /** Restart delay pending: the supervisor flips desired state to running at this time. */
  restartAt?: number;
  /** The restart supervisor declined to replace this task (policy or attempts exhausted). */
  declined?: boolean;
  /** When the container exited or was stopped: it prints nothing after this. */
  endedAt?: number;
  /** For the updater's monitor window: when this task reached running. */
  runningAt?: number;
  /** Global services: the one node this task may run on. */
  preassigned?: string;
}

/** A rolling update (or rollback) in progress, as plain data so snapshots can copy it. */
export interface UpdateRun {
  rollback: boolean;
  /** Slots (replicated) or node IDs (global) still to update, in order. */
  queue: string[];
  /** Per worker: when it may take the next slot (parallelism = length). */
  workers: number[];
  inFlight: { key: string; worker: number; newTaskId: string; oldTaskIds: string[] }[];
  /** Updated tasks still inside their monitor window: task ID -> end of window. */
  watching: Record<string, number>;
  failures: number;
  total: number;
  /** Set once the queue drained: the update completes at this time unless a failure comes first. */
  completeAt?: number;
}

/** Desired to run (or to run to completion): the orchestrators count these. */
export const isLive = (task: { DesiredState: TaskState }) =>
  STATE_RANK[task.DesiredState] <= STATE_RANK.complete;
/** Desired state says stop: shutdown or remove. */
export const wantsStop = (desired: TaskState) => STATE_RANK[desired] > STATE_RANK.complete;
