import { UnixSocketTransport } from "@flotilla/transport";
import { describe, inject } from "vitest";
import { Client } from "../src/index.js";
import { describeClientContract } from "./contract/client-contract.js";

const engine = inject("engine");

describe.skipIf(!engine)("the real engine", () => {
  describeClientContract({
    name: "the engine",
    images: engine?.images ?? { current: "", next: "" },
    async makeClient(options = {}) {
      const socket = new UnixSocketTransport({ socketPath: engine!.socketPath });
      return new Client({
        transport: options.wrap ? options.wrap(socket) : socket,
        apiVersion: options.apiVersion,
        registryAuth: false,
      });
    },
    skip: {
      "a swarm call on an engine outside a swarm is NotSwarmManager":
        "the shared engine must stay in its swarm; src/raw.test.ts proves the mapping from the engine's 503 in memory",
    },
  });
});
