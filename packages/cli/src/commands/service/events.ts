import type { Client } from "@flotilla/client";
import type { Task } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { findService } from "./lookup.js";
import { instanceKey } from "./task-rows.js";
import { parseSince } from "./time-option.js";

// A service's history: the engine's service events (create, update, remove) merged with its tasks'
// state changes, which the engine does not send as events but every task records with a time.

interface EventFlags {
  tail?: boolean;
  lines: number;
  since?: string;
}

interface Entry {
  time: number;
  text: string;
}

export async function run(context: CommandContext, [name]: string[], flags: EventFlags): Promise<void> {
  const lines = flags.lines;
  const now = context.now();
  const since = flags.since === undefined ? now / 1000 - 3600 : parseSince(flags.since, now);
  const client = await context.client();
  const service = await findService(client, name!);
  const serviceName = service.name ?? name!;
  const filters = { type: "service", service: service.id };
  const entries: Entry[] = [];
  for await (const event of client.system.events({
    since,
    until: now / 1000,
    filters,
    signal: context.signal,
  })) {
    entries.push({
      time: eventTime(event),
      text: `service ${event.Action} ${serviceName}${changes(event.Actor?.Attributes)}`,
    });
  }
  const seen = new Map<string, string>();
  const tasks = await client.tasks.listAttrs({ service: service.id });
  for (const task of tasks) {
    const entry = taskEntry(serviceName, task, seen);
    if (entry && entry.time >= since * 1000) entries.push(entry);
  }
  entries.sort((a, b) => a.time - b.time);
  for (const entry of entries.slice(-lines)) print(context, entry);
  if (flags.tail) await follow(context, client, service.id, serviceName, seen, now);
}

async function follow(
  context: CommandContext,
  client: Client,
  id: string,
  serviceName: string,
  seen: Map<string, string>,
  from: number,
): Promise<void> {
  // The event stream and the task polls run side by side until Ctrl-C, or until either fails:
  // a failure stops the other, and is what the command reports once both have ended.
  const stop = new AbortController();
  const interrupted = () => context.signal?.aborted === true;
  context.signal?.addEventListener("abort", () => stop.abort(), { once: true });
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    if (!interrupted()) failure ??= { error };
    stop.abort();
  };
  const streamed = (async () => {
    const filters = { type: "service", service: id };
    for await (const event of client.system.events({ since: from / 1000, filters, signal: stop.signal })) {
      print(context, {
        time: eventTime(event),
        text: `service ${event.Action} ${serviceName}${changes(event.Actor?.Attributes)}`,
      });
    }
  })().catch(fail);
  try {
    while (!stop.signal.aborted) {
      await context.sleep(context.pollInterval);
      if (stop.signal.aborted) break;
      const tasks = await client.tasks.listAttrs({ service: id }, stop.signal);
      const changed = tasks
        .map((task) => taskEntry(serviceName, task, seen))
        .filter((e): e is Entry => e !== undefined);
      for (const entry of changed.sort((a, b) => a.time - b.time)) print(context, entry);
    }
  } catch (error) {
    if (!stop.signal.aborted) fail(error);
  } finally {
    stop.abort();
    await streamed;
  }
  if (failure) throw failure.error;
}

function taskEntry(serviceName: string, task: Task, seen: Map<string, string>): Entry | undefined {
  const state = task.Status?.State ?? "";
  const key = task.ID ?? "";
  if (seen.get(key) === state) return undefined;
  seen.set(key, state);
  const error = task.Status?.Err ? `: ${task.Status.Err}` : "";
  return {
    time: Date.parse(task.Status?.Timestamp ?? "") || 0,
    text: `task ${serviceName}.${instanceKey(task)} (${key.slice(0, 12)}) ${state}${error}`,
  };
}

function eventTime(event: { time?: number; timeNano?: number }): number {
  return event.timeNano ? Math.floor(event.timeNano / 1e6) : (event.time ?? 0) * 1000;
}

function changes(attributes: Record<string, string> | undefined): string {
  const updated = Object.entries(attributes ?? {}).filter(
    ([key]) => key.startsWith("updatestate") || key.startsWith("replicas"),
  );
  return updated.length > 0 ? ` (${updated.map(([k, v]) => `${k}=${v}`).join(", ")})` : "";
}

function print(context: CommandContext, entry: Entry): void {
  context.stdout.write(`${new Date(entry.time).toISOString()} ${entry.text}\n`);
}
