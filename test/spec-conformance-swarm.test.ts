import { validateRequestBody } from "@flotilla/types";
import { afterAll, describe, expect, inject, it } from "vitest";
import { type RawAnswer, rawRequest } from "./support/raw-engine.js";
import { documentsStatus, responseProblems, schemaProblems } from "./support/spec-validator.js";

// spec/ against a swarm's whole life, on the scratch engine reserved for this file (the shared
// engine must stay in its swarm): answers outside a swarm, init, the new swarm and its node,
// autolock and its unlock key, leave. Every answer is validated strictly against spec/.

const engine = inject("engine");
const socket = engine?.scratch.conformance;

describe.skipIf(!engine)("spec/ describes a swarm's life on the engine", () => {
  const v = `/v${engine?.apiVersion}`;
  const call = (method: string, path: string, body?: unknown) =>
    rawRequest(socket!, method, `${v}${path}`, body);

  function expectFits(route: string, answer: RawAnswer, status = 200): unknown {
    expect(answer.status, `${route}: ${answer.text()}`).toBe(status);
    const body = answer.json();
    expect(responseProblems(route, status, body), route).toEqual([]);
    return body;
  }

  function expectError(route: string, answer: RawAnswer, status: number): string {
    expect(answer.status, `${route}: ${answer.text()}`).toBe(status);
    expect(documentsStatus(route, status), `spec/ lists ${status} for ${route}`).toBe(true);
    const body = answer.json<{ message: string }>();
    expect(schemaProblems("ErrorResponse", body), route).toEqual([]);
    return body.message;
  }

  afterAll(async () => {
    await call("POST", "/swarm/leave?force=true");
  });

  it("has a scratch engine of its own, outside any swarm", () => {
    expect(socket, "scripts/engine-up.sh starts one named conformance").toBeTruthy();
  });

  it("answers swarm endpoints outside a swarm with 503 ErrorResponses", async () => {
    expect(expectError("GET /swarm", await call("GET", "/swarm"), 503)).toMatch(
      /not a swarm manager|not part of a swarm/,
    );
    expectError("GET /nodes", await call("GET", "/nodes"), 503);
    expectError("GET /services", await call("GET", "/services"), 503);
    const info = expectFits("GET /info", await call("GET", "/info")) as { Swarm: { LocalNodeState: string } };
    expect(info.Swarm.LocalNodeState).toBe("inactive");
  });

  it("inits a swarm, answering with the new node's ID", async () => {
    const body = {
      ListenAddr: "127.0.0.1:2377",
      AdvertiseAddr: "127.0.0.1",
      ForceNewCluster: false,
      Spec: {
        Name: "default",
        Orchestration: { TaskHistoryRetentionLimit: 3 },
        Labels: { "flotilla.test": "lifecycle" },
      },
    };
    validateRequestBody("SwarmInitRequest", body);
    const nodeId = expectFits("POST /swarm/init", await call("POST", "/swarm/init", body));
    expect(nodeId).toMatch(/^[a-z0-9]{25}$/);
    const node = expectFits("GET /nodes/{id}", await call("GET", `/nodes/${nodeId as string}`)) as {
      ManagerStatus: { Leader: boolean };
    };
    expect(node.ManagerStatus.Leader).toBe(true);
  });

  it("shows the new swarm, its node and its details in /info", async () => {
    const swarm = expectFits("GET /swarm", await call("GET", "/swarm")) as {
      Spec: { Orchestration: object };
    };
    expect(swarm.Spec.Orchestration).toEqual({ TaskHistoryRetentionLimit: 3 });
    expect(expectFits("GET /nodes", await call("GET", "/nodes"))).toHaveLength(1);
    const info = expectFits("GET /info", await call("GET", "/info")) as {
      Swarm: { ControlAvailable: boolean };
    };
    expect(info.Swarm.ControlAvailable).toBe(true);
    expectError("POST /swarm/init", await call("POST", "/swarm/init", { ListenAddr: "127.0.0.1:2377" }), 503);
  });

  it("turns autolock on, hands out the unlock key, and refuses to unlock what is not locked", async () => {
    const swarm = (await call("GET", "/swarm")).json<{
      Version: { Index: number };
      Spec: Record<string, unknown>;
    }>();
    const spec = { ...swarm.Spec, EncryptionConfig: { AutoLockManagers: true } };
    validateRequestBody("SwarmSpec", spec);
    const update = await call(
      "POST",
      `/swarm/update?version=${swarm.Version.Index}&rotateWorkerToken=true`,
      spec,
    );
    expect(update.status, update.text()).toBe(200);
    const key = expectFits("GET /swarm/unlockkey", await call("GET", "/swarm/unlockkey")) as {
      UnlockKey: string;
    };
    expect(key.UnlockKey).toMatch(/^SWMKEY-1-/);
    expectError("POST /swarm/unlock", await call("POST", "/swarm/unlock", { UnlockKey: key.UnlockKey }), 409);
    const stale = await call("POST", `/swarm/update?version=${swarm.Version.Index}`, spec);
    expect(expectError("POST /swarm/update", stale, 500)).toMatch(/update out of sequence/);
  });

  it("leaves: a sole manager only with force, after which it is outside a swarm again", async () => {
    expect(expectError("POST /swarm/leave", await call("POST", "/swarm/leave"), 503)).toMatch(/force/);
    expect((await call("POST", "/swarm/leave?force=true")).status).toBe(200);
    expectError("GET /swarm", await call("GET", "/swarm"), 503);
  });
});
