import type { StoredTask } from "../core/model.js";
import { encodeGo } from "./encode.js";

// Listing 10,000 tasks must not re-serialize 10,000 unchanged tasks. Every change to a task bumps
// its version index, so a task's encoded JSON (as Go writes a swarm.Task) is reused for as long
// as its index stays the same.

const TASK = { kind: "ref", ref: "Task" } as const;
const cache = new WeakMap<StoredTask, { index: number; bytes: Buffer }>();
const OPEN = Buffer.from("[");
const COMMA = Buffer.from(",");
const CLOSE = Buffer.from("]\n");

export function tasksJson(tasks: readonly StoredTask[]): Uint8Array {
  const parts: Buffer[] = [OPEN];
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    let hit = cache.get(task);
    if (!hit || hit.index !== task.Version.Index) {
      hit = { index: task.Version.Index, bytes: Buffer.from(encodeGo(TASK, task)) };
      cache.set(task, hit);
    }
    if (i > 0) parts.push(COMMA);
    parts.push(hit.bytes);
  }
  parts.push(CLOSE);
  return Buffer.concat(parts);
}
