import { readdirSync, readFileSync } from "node:fs";
import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { UnixSocketTransport } from "@flotilla/transport";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createAndScale } from "../examples/create-and-scale.js";
import { deployStack } from "../examples/deploy-stack.js";
import { updateThroughAnotherManager } from "../examples/failover.js";
import { updateSafely } from "../examples/update-safely.js";
import { watchEvents } from "../examples/watch-events.js";
import { Client } from "../src/index.js";

// The README's examples are these files, verbatim, and each one runs here.

const examples = new URL("../examples/", import.meta.url);
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const engine = inject("engine");
const images = engine?.images ?? {
  current: "flotilla-test/busybox:latest",
  next: "flotilla-test/busybox:next",
};

it.each(readdirSync(examples).filter((f) => f.endsWith(".ts")))(
  "the README shows examples/%s verbatim",
  (file) => {
    const code = readFileSync(new URL(file, examples), "utf8").trim();
    expect(readme).toContain(`\`\`\`ts\n// examples/${file}\n${code}\n\`\`\``);
  },
);

const targets: Array<[string, () => Promise<Client>, boolean]> = [
  [
    "the engine",
    async () => new Client({ transport: new UnixSocketTransport({ socketPath: engine!.socketPath }) }),
    !engine,
  ],
  [
    "the fake swarm",
    async () => {
      const fake = await createFakeSwarm({ clock: "real", start: Date.now() });
      fakes.push(fake);
      return new Client({ transport: fake.transport() });
    },
    false,
  ],
];
const fakes: FakeSwarm[] = [];
afterAll(async () => {
  for (const fake of fakes) await fake.close();
});

describe.each(targets)("examples against %s", (_, makeClient, skip) => {
  it.skipIf(skip)(
    "create-and-scale runs two tasks, logging its progress to the logger it is given",
    async () => {
      await using client = await makeClient();
      const lines: string[] = [];
      expect(await createAndScale(client, images.current, (line) => lines.push(line))).toBe(2);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((line) => /^[0-2]\/2 running$/.test(line))).toBe(true);
      expect(lines.at(-1)).toBe("2/2 running");
    },
    60_000,
  );

  it.skipIf(skip)("update-safely keeps both changes", async () => {
    await using client = await makeClient();
    expect(await updateSafely(client, images.current, images.next)).toEqual(["stale", "team"]);
  });

  it.skipIf(skip)(
    "deploy-stack deploys a compose file and lists its service by the stack's name",
    async () => {
      await using client = await makeClient();
      const [service, ...others] = await deployStack(client, images.current);
      expect(others).toEqual([]);
      expect(service).toMatch(/^example-\d+_web$/);
    },
    60_000,
  );

  it.skipIf(skip)("watch-events sees create, update and remove", async () => {
    await using client = await makeClient();
    expect(await watchEvents(client, images.current)).toEqual(["create", "update", "remove"]);
  });
});

// Several managers need several engines: the fake's per-node endpoints here, the real swarm of
// scripts/swarm-up.sh in test/multinode (a manager killed under a running update).
it("failover carries an update on through the next manager once the first stops", async () => {
  const fake = await createFakeSwarm({
    nodes: [
      { hostname: "manager-1", role: "manager" },
      { hostname: "manager-2", role: "manager" },
      { hostname: "manager-3", role: "manager" },
    ],
    clock: "real",
    start: Date.now(),
  });
  fakes.push(fake);
  // The leader (the first node) last: losing it would leave the swarm leaderless for a while.
  const managers = ["manager-2", "manager-3", "manager-1"].map((node) => fake.transport({ node }));
  const result = await updateThroughAnotherManager(
    managers,
    async () => fake.nodeDown("manager-2"),
    images.current,
  );
  expect(result).toEqual({ label: "yes", servedBy: managers[1]!.endpoint });
});
