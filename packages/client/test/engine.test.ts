import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnixSocketTransport } from "@flotilla/transport";
import { describe, expect, inject, it } from "vitest";
import { Client, ConvergenceError } from "../src/index.js";
import { describeClientContract } from "./contract/client-contract.js";
import { describeSwarmLifecycle } from "./swarm-lifecycle.js";

// This is the one file that uses the client's scratch engine (`engine.scratch.client`), so the
// swarm lifecycle and the contract's case for an engine outside a swarm run one after the other,
// never at the same time. The lifecycle goes first and leaves the engine outside its swarm.

const engine = inject("engine");
const scratch = engine?.scratch.client;
const NO_SCRATCH = "no scratch engine was started (scripts/engine-up.sh starts one; CI requires it)";

describe.skipIf(!engine)("the real engine", () => {
  // The fake runs any image; only an engine can fail to pull one.
  it("without the missing helper's credentials, a pull that fails is the engine's failure, in its words", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flotilla-no-helper-"));
    const warnings: string[] = [];
    await using client = new Client({
      transport: new UnixSocketTransport({ socketPath: engine!.socketPath }),
      registryAuth: { env: { DOCKER_CONFIG: dir, PATH: dir } },
      onWarning: (w) => warnings.push(w.code),
    });
    await writeFile(join(dir, "config.json"), JSON.stringify({ credsStore: "desktop" }));
    const suffix = Math.random().toString(36).slice(2, 8);
    const svc = await client.services.create(`flotilla-test/not-pulled-${suffix}:1`, {
      name: `client-unpulled-${suffix}`,
      restartPolicy: { condition: "none" },
    });
    try {
      const error = await svc
        .waitUntilConverged({ timeout: 30_000, interval: 200, maxFailures: 1 })
        .catch((e) => e);
      expect(error).toBeInstanceOf(ConvergenceError);
      expect((error as ConvergenceError).tasks[0]?.error).toMatch(
        /No such image: flotilla-test\/not-pulled-/,
      );
      expect(warnings).toEqual(["FLOTILLA_CREDENTIAL_HELPER_MISSING"]);
    } finally {
      await svc.remove();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  describe.skipIf(!scratch)("a scratch engine", () => {
    describeSwarmLifecycle(scratch!);
  });

  describeClientContract({
    name: "the engine",
    images: engine?.images ?? { current: "", next: "" },
    crash: { command: ["sh", "-c", "exit 3"] },
    async makeClient(options = {}) {
      const socket = new UnixSocketTransport({ socketPath: engine!.socketPath });
      return new Client({
        transport: options.wrap ? options.wrap(socket) : socket,
        apiVersion: options.apiVersion,
        registryAuth: options.registryAuth ?? false,
        onWarning: options.onWarning,
      });
    },
    ...(scratch && {
      makeNonSwarmClient: async () =>
        new Client({ transport: new UnixSocketTransport({ socketPath: scratch }), registryAuth: false }),
    }),
    skip: scratch
      ? {}
      : { "a swarm call on an engine outside a swarm is NotSwarmManager, in the engine's words": NO_SCRATCH },
  });
});
