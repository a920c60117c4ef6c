import { UnixSocketTransport } from "@flotilla/transport";
import { describe, inject } from "vitest";
import { Client } from "../src/index.js";
import { describeClientContract } from "./contract/client-contract.js";
import { describeSwarmLifecycle } from "./swarm-lifecycle.js";

// This is the one file that uses the client's scratch engine (`engine.scratch.client`), so the
// swarm lifecycle and the contract's case for an engine outside a swarm run one after the other,
// never at the same time. The lifecycle goes first and leaves the engine outside its swarm.

const engine = inject("engine");
const scratch = engine?.scratch.client;
const NO_SCRATCH = "no scratch engine was started (scripts/engine-up.sh starts one; CI requires it)";

describe.skipIf(!engine)("the real engine", () => {
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
        registryAuth: false,
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
