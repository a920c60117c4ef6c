import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { afterAll } from "vitest";
import { Client } from "../src/index.js";
import { describeClientContract } from "./contract/client-contract.js";

// The same contract against the fake swarm, on the wall clock (starting now) so waits, `since` and
// `until` behave as with an engine.

const images = { current: "flotilla-test/busybox:latest", next: "flotilla-test/busybox:next" };
const swarms: FakeSwarm[] = [];
let shared: FakeSwarm | undefined;

afterAll(async () => {
  for (const swarm of swarms) await swarm[Symbol.asyncDispose]();
});

const NO_PROCESSES =
  "the fake runs no commands: a task's output and exit come from image behaviours, not from `sh -c`";

describeClientContract({
  name: "the fake swarm",
  images,
  async makeClient(options = {}) {
    if (!shared) {
      shared = await createFakeSwarm({ nodes: 1, clock: "real", start: Date.now() });
      swarms.push(shared);
    }
    const transport = shared.transport();
    return new Client({
      transport: options.wrap ? options.wrap(transport) : transport,
      apiVersion: options.apiVersion,
      registryAuth: false,
    });
  },
  async makeNonSwarmClient() {
    const outside = await createFakeSwarm({ inSwarm: false });
    swarms.push(outside);
    return new Client({ transport: outside.transport(), registryAuth: false });
  },
  skip: {
    "rejects with the failing tasks' errors when tasks keep failing": NO_PROCESSES,
    "creates global, replicated-job and global-job services": `${NO_PROCESSES}, so a job running \`true\` never completes`,
    "reads the lines a service prints, each naming its task and node": NO_PROCESSES,
    "mounts a secret and a config into a service": NO_PROCESSES,
  },
});
