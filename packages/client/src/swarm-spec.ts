import type { SwarmSpec } from "@flotilla/types";
import { checkOptionKeys, type KeyShape } from "./option-keys.js";
import { type Duration, parseDuration } from "./units.js";

// Every field docker-py's create_swarm_spec takes, in TypeScript's casing, with durations as
// text. Only what is set is written, so the result can also be merged onto a swarm's current spec.

export interface SwarmSpecOptions {
  name?: string;
  labels?: Record<string, string>;
  /** Finished tasks kept per slot for history. */
  taskHistoryRetentionLimit?: number;
  /** Raft log entries between snapshots. */
  snapshotInterval?: number;
  keepOldSnapshots?: number;
  logEntriesForSlowFollowers?: number;
  heartbeatTick?: number;
  electionTick?: number;
  dispatcherHeartbeatPeriod?: Duration;
  nodeCertExpiry?: Duration;
  externalCAs?: Array<{ protocol?: "cfssl"; url: string; options?: Record<string, string>; caCert?: string }>;
  signingCACert?: string;
  signingCAKey?: string;
  /** Bump to rotate the CA even though nothing else changed. */
  caForceRotate?: number;
  autolockManagers?: boolean;
  /** The default log driver of tasks. */
  logDriver?: { name: string; options?: Record<string, string> };
}

function defined<T extends object>(value: T): T | undefined {
  const out = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
  return Object.keys(out).length === 0 ? undefined : out;
}

const SWARM_SPEC_OPTION_KEYS = {
  name: true,
  labels: true,
  taskHistoryRetentionLimit: true,
  snapshotInterval: true,
  keepOldSnapshots: true,
  logEntriesForSlowFollowers: true,
  heartbeatTick: true,
  electionTick: true,
  dispatcherHeartbeatPeriod: true,
  nodeCertExpiry: true,
  externalCAs: { each: { protocol: true, url: true, options: true, caCert: true } },
  signingCACert: true,
  signingCAKey: true,
  caForceRotate: true,
  autolockManagers: true,
  logDriver: { name: true, options: true },
} satisfies Record<keyof Required<SwarmSpecOptions>, KeyShape>;

/** A SwarmSpec holding exactly the options given. */
export function swarmSpec(options: SwarmSpecOptions = {}): SwarmSpec {
  checkOptionKeys("swarm spec options", options, SWARM_SPEC_OPTION_KEYS);
  const o = options;
  return (
    defined<SwarmSpec>({
      Name: o.name,
      Labels: o.labels,
      Orchestration: defined({ TaskHistoryRetentionLimit: o.taskHistoryRetentionLimit }),
      Raft: defined({
        SnapshotInterval: o.snapshotInterval,
        KeepOldSnapshots: o.keepOldSnapshots,
        LogEntriesForSlowFollowers: o.logEntriesForSlowFollowers,
        HeartbeatTick: o.heartbeatTick,
        ElectionTick: o.electionTick,
      }),
      Dispatcher: defined({
        HeartbeatPeriod:
          o.dispatcherHeartbeatPeriod === undefined
            ? undefined
            : parseDuration(o.dispatcherHeartbeatPeriod, "dispatcherHeartbeatPeriod"),
      }),
      CAConfig: defined({
        NodeCertExpiry:
          o.nodeCertExpiry === undefined ? undefined : parseDuration(o.nodeCertExpiry, "nodeCertExpiry"),
        ExternalCAs: o.externalCAs?.map(
          (ca) =>
            defined({
              Protocol: ca.protocol ?? "cfssl",
              URL: ca.url,
              Options: ca.options,
              CACert: ca.caCert,
            })!,
        ),
        SigningCACert: o.signingCACert,
        SigningCAKey: o.signingCAKey,
        ForceRotate: o.caForceRotate,
      }),
      EncryptionConfig: defined({ AutoLockManagers: o.autolockManagers }),
      TaskDefaults: o.logDriver && {
        LogDriver: { Name: o.logDriver.name, ...(o.logDriver.options && { Options: o.logDriver.options }) },
      },
    }) ?? {}
  );
}
