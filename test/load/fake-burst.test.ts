import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { type Transport, UnixSocketTransport } from "@flotilla/transport";
import { afterEach, describe, expect, it } from "vitest";
import { type Answer, createSeeds, readState, type StateReport, sendAll } from "./burst.js";
import { BURST_SIZE, KINDS, type Planned, planBurst, type Seeds, UPDATED_LABEL } from "./burst-plan.js";

// 1,000 requests sent to the fake at once (creates, updates, inspects, lists, deletes, some of
// them contending on purpose), in this process and over a unix socket. Every request must get its
// one right answer within its deadline, and the state afterwards must hold together: everything
// listed can be inspected, counts add up, names and versions are unique, no task is left without
// its service or node.

const IMAGE = "flotilla-test/busybox:latest";
const BURST_TIMEOUT_MS = 120_000;

interface Verdict {
  /** Requests answered other than their plan says, with what came back. */
  unexpected: string[];
  hung: string[];
  succeeded: number;
  conflicts: number;
}

/** Each answer against its plan; a conflict group must have exactly one winner. */
function judge(plan: Planned[], answers: Answer[]): Verdict {
  const unexpected: string[] = [];
  const hung: string[] = [];
  const winners = new Map<string, number>();
  let succeeded = 0;
  let conflicts = 0;
  plan.forEach((p, i) => {
    const answer = answers[i]!;
    const said = `${p.what}: ${answer.status} ${answer.message ?? ""}`;
    if (answer.hung) hung.push(said);
    if (answer.status === p.status) {
      succeeded++;
      if (p.group) winners.set(p.group.id, (winners.get(p.group.id) ?? 0) + 1);
    } else if (p.group && answer.status === p.group.conflict && p.group.message.test(answer.message ?? "")) {
      conflicts++;
      winners.set(p.group.id, winners.get(p.group.id) ?? 0);
    } else {
      unexpected.push(said);
    }
  });
  for (const [group, count] of winners) if (count !== 1) unexpected.push(`${group}: ${count} winners`);
  return { unexpected, hung, succeeded, conflicts };
}

function expectConsistent(state: StateReport): void {
  expect(state.notInspectable).toEqual([]);
  expect(state.duplicateNames).toEqual([]);
  expect(state.duplicateVersions).toEqual([]);
  expect(state.orphanTasks).toEqual([]);
}

/** Seeds, a burst, and every check on the answers and on the state after it. */
async function burstAndCheck(name: string, transport: Transport, settle: () => Promise<void>): Promise<void> {
  const prefix = `load-burst-${randomBytes(3).toString("hex")}`;
  const seeds = await createSeeds(transport, prefix, IMAGE);
  await settle();
  const before = await readState(transport);
  expectConsistent(before);

  const plan = planBurst(seeds, prefix, 1000);
  const started = performance.now();
  const answers = await sendAll(transport, plan);
  const wallMs = performance.now() - started;
  const verdict = judge(plan, answers);
  console.info(
    `${name}: ${plan.length} concurrent requests, ${verdict.succeeded} succeeded, ` +
      `${verdict.conflicts} expected conflicts, ${verdict.unexpected.length} failed, ` +
      `${verdict.hung.length} hung, ${Math.round(wallMs)} ms`,
  );
  expect(plan).toHaveLength(BURST_SIZE);
  expect(verdict.hung).toEqual([]);
  expect(verdict.unexpected).toEqual([]);
  expect(verdict.succeeded + verdict.conflicts).toBe(BURST_SIZE);

  // Straight after the burst, and again once the orchestrators have caught up.
  const after = await readState(transport);
  expectConsistent(after);
  expectCounts(before, after, plan, answers);
  expectWrites(before, after, seeds, plan, answers);
  await settle();
  const settled = await readState(transport);
  expectConsistent(settled);
  expectCounts(before, settled, plan, answers);
}

/** Objects of each kind: as many as before, plus the creates, minus the deletes that succeeded. */
function expectCounts(before: StateReport, after: StateReport, plan: Planned[], answers: Answer[]): void {
  for (const kind of KINDS) {
    let change = 0;
    plan.forEach((p, i) => {
      if (p.counts?.kind === kind && answers[i]!.status === p.status) change += p.counts.change;
    });
    expect({ kind, count: after.docs[kind].length }).toEqual({
      kind,
      count: before.docs[kind].length + change,
    });
  }
}

/** What the burst wrote is there, each write at a version above every one before the burst. */
function expectWrites(
  before: StateReport,
  after: StateReport,
  seeds: Seeds,
  plan: Planned[],
  answers: Answer[],
): void {
  const byId = new Map(KINDS.flatMap((kind) => after.docs[kind].map((d) => [(d.ID ?? d.Id)!, d] as const)));
  plan.forEach((p, i) => {
    if (p.counts?.change !== 1 || answers[i]!.status !== 201) return;
    const body = answers[i]!.body as { ID?: string; Id?: string };
    const doc = byId.get((body.ID ?? body.Id)!);
    const name = (p.request.body as { Name: string }).Name;
    expect(doc?.Spec?.Name ?? doc?.Name, p.what).toBe(name);
    if (p.counts.kind !== "network")
      expect(doc?.Version?.Index, p.what).toBeGreaterThan(before.highestVersion);
  });
  for (const target of [...seeds.update.services, ...seeds.update.secrets, ...seeds.update.configs]) {
    const doc = byId.get(target.id);
    expect(doc?.Spec?.Labels?.[UPDATED_LABEL], `update of ${target.id}`).toBe("1");
    expect(doc?.Version?.Index).toBeGreaterThan(before.highestVersion);
  }
  for (const target of seeds.contested) {
    const labels = Object.keys(byId.get(target.id)?.Spec?.Labels ?? {});
    expect(
      labels.filter((l) => l.startsWith(UPDATED_LABEL)),
      `contested ${target.id}`,
    ).toHaveLength(1);
  }
}

describe("1,000 concurrent requests to the fake", () => {
  let swarm: FakeSwarm | undefined;
  let socketDir: string | undefined;

  afterEach(async () => {
    await swarm?.close();
    if (socketDir) rmSync(socketDir, { recursive: true, force: true });
  });

  it(
    "in this process, leave a consistent swarm",
    async () => {
      swarm = await createFakeSwarm({ nodes: 3, seed: 1000 });
      const fake = swarm;
      await burstAndCheck("fake, in process", fake.transport(), async () => fake.settle());
    },
    BURST_TIMEOUT_MS,
  );

  it(
    "over a unix socket, with the swarm's clock running, leave a consistent swarm",
    async () => {
      // On the wall clock the agents move tasks along while the burst is answered.
      swarm = await createFakeSwarm({ nodes: 3, seed: 1001, clock: "real", timings: { step: 5, stop: 5 } });
      socketDir = mkdtempSync(join(tmpdir(), "flotilla-burst-"));
      const socketPath = join(socketDir, "fake.sock");
      await swarm.listen({ socketPath });
      await using transport = new UnixSocketTransport({ socketPath, connections: 1000 });
      await burstAndCheck("fake, unix socket", transport, () => new Promise((r) => setTimeout(r, 200)));
    },
    BURST_TIMEOUT_MS,
  );
});
