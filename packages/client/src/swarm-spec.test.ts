import { validateRequestBody } from "@flotilla/types";
import { describe, expect, it } from "vitest";
import { swarmSpec } from "./swarm-spec.js";

describe("swarmSpec", () => {
  it("writes every create_swarm_spec option where the engine expects it", () => {
    const spec = swarmSpec({
      name: "default",
      labels: { env: "test" },
      taskHistoryRetentionLimit: 10,
      snapshotInterval: 5000,
      keepOldSnapshots: 1,
      logEntriesForSlowFollowers: 200,
      heartbeatTick: 1,
      electionTick: 10,
      dispatcherHeartbeatPeriod: "5s",
      nodeCertExpiry: "2160h",
      externalCAs: [{ url: "https://ca.example.com", caCert: "PEM" }],
      signingCACert: "CERT",
      signingCAKey: "KEY",
      caForceRotate: 2,
      autolockManagers: true,
      logDriver: { name: "json-file", options: { "max-size": "1m" } },
    });
    expect(spec).toEqual({
      Name: "default",
      Labels: { env: "test" },
      Orchestration: { TaskHistoryRetentionLimit: 10 },
      Raft: {
        SnapshotInterval: 5000,
        KeepOldSnapshots: 1,
        LogEntriesForSlowFollowers: 200,
        HeartbeatTick: 1,
        ElectionTick: 10,
      },
      Dispatcher: { HeartbeatPeriod: 5e9 },
      CAConfig: {
        NodeCertExpiry: 2160 * 3600e9,
        ExternalCAs: [{ Protocol: "cfssl", URL: "https://ca.example.com", CACert: "PEM" }],
        SigningCACert: "CERT",
        SigningCAKey: "KEY",
        ForceRotate: 2,
      },
      EncryptionConfig: { AutoLockManagers: true },
      TaskDefaults: { LogDriver: { Name: "json-file", Options: { "max-size": "1m" } } },
    });
    expect(() => validateRequestBody("SwarmSpec", spec)).not.toThrow();
  });

  it("writes nothing for options not given, so it merges onto a current spec", () => {
    expect(swarmSpec({ taskHistoryRetentionLimit: 3 })).toEqual({
      Orchestration: { TaskHistoryRetentionLimit: 3 },
    });
    expect(swarmSpec()).toEqual({});
  });
});
