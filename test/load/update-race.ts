import { randomBytes } from "node:crypto";
import type { Client } from "@flotilla/client";
import type { Transport } from "@flotilla/transport";
import { UpdateRecorder } from "./update-recorder.js";

// Many writers change one service at once, each through the client's read-modify-write update
// (no version given: read, change, send, and on "update out of sequence" read again and retry).
// The race records what a test needs to prove that no change was lost: what each writer got back,
// every update request and its outcome, the service before and after, and the engine's own count
// of updates to the service (its `update` events).

export interface RaceTarget {
  /** A client whose requests pass through `wrap`. */
  client(wrap: (transport: Transport) => Transport): Client | Promise<Client>;
  image: string;
  /** The engine's clock, for `since` on the event stream (the fake's may be virtual). */
  now(): Date;
}

export interface RaceResult {
  serviceId: string;
  writers: number;
  /** Writers whose update() failed, with the error. */
  failures: { writer: number; error: unknown }[];
  recorder: UpdateRecorder;
  versionBefore: number;
  versionAfter: number;
  labelsAfter: Record<string, string>;
  /** `update` events the engine emitted for the service while the writers ran. */
  updateEvents: number;
  wallMs: number;
}

/** The label writer `writer` adds; each writer's is its own. */
export function writerLabel(writer: number): [string, string] {
  return [`load.writer-${writer}`, String(writer)];
}

const EVENT_WAIT_MS = 5000;
/** After the expected events arrived, how long to keep listening for any extra one. */
const EXTRA_EVENT_WAIT_MS = 300;

export async function raceUpdates(
  target: RaceTarget,
  options: { writers: number; retries?: number },
): Promise<RaceResult> {
  const recorder = new UpdateRecorder();
  const client = await target.client((t) => recorder.wrap(t));
  const name = `load-race-${randomBytes(4).toString("hex")}`;
  const created = await client.services.create(target.image, {
    name,
    replicas: 0,
    labels: { "load.base": "1" },
  });
  const stopEvents = new AbortController();
  try {
    const before = await client.services.get(created.id);
    let updateEvents = 0;
    const events = (async () => {
      const stream = client.system.events({
        // Events from just before the service existed: none is missed while the stream opens.
        since: new Date(target.now().getTime() - 1000),
        filters: { type: "service", service: created.id, event: "update" },
        signal: stopEvents.signal,
      });
      for await (const _event of stream) updateEvents++;
    })().catch((error: unknown) => {
      if (!stopEvents.signal.aborted) throw error;
    });

    const started = performance.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: options.writers }, (_, writer) =>
        recorder.as(writer, () =>
          client.services.update(
            created.id,
            { labelsAdd: Object.fromEntries([writerLabel(writer)]) },
            { retries: options.retries },
          ),
        ),
      ),
    );
    const wallMs = performance.now() - started;

    const applied = recorder.count("applied");
    const waitUntil = Date.now() + EVENT_WAIT_MS;
    while (updateEvents < applied && Date.now() < waitUntil) await pause(20);
    await pause(EXTRA_EVENT_WAIT_MS);
    stopEvents.abort();
    await events;

    const after = await client.services.get(created.id);
    return {
      serviceId: created.id,
      writers: options.writers,
      failures: outcomes.flatMap((o, writer) =>
        o.status === "rejected" ? [{ writer, error: o.reason }] : [],
      ),
      recorder,
      versionBefore: before.version ?? Number.NaN,
      versionAfter: after.version ?? Number.NaN,
      labelsAfter: after.attrs.Spec?.Labels ?? {},
      updateEvents,
      wallMs,
    };
  } finally {
    stopEvents.abort();
    await client.services.remove(created.id).catch(() => {});
    await client.close();
  }
}

/** The race's figures in one line, for the test output and the note. */
export function describeFigures(target: string, result: RaceResult): string {
  const { recorder } = result;
  const lost = result.writers - result.failures.length - countWriterLabels(result);
  return [
    `${target}: ${result.writers} concurrent updaters`,
    `${recorder.attempts.length} update requests`,
    `${recorder.count("applied")} applied`,
    `${recorder.count("out-of-sequence")} out of sequence`,
    `at most ${recorder.mostAttemptsByOneWriter()} attempts by one writer`,
    `${result.failures.length} gave up`,
    `${lost} lost`,
    `version ${result.versionBefore} -> ${result.versionAfter}`,
    `${result.updateEvents} update events`,
    `${Math.round(result.wallMs)} ms`,
  ].join(", ");
}

/** Writers whose label is on the service at the end. */
export function countWriterLabels(result: RaceResult): number {
  let present = 0;
  for (let writer = 0; writer < result.writers; writer++) {
    const [key, value] = writerLabel(writer);
    if (result.labelsAfter[key] === value) present++;
  }
  return present;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
