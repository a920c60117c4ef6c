// The swarm's sense of time: a min-heap of plain-data timers ordered by (due time, sequence).
// Timers are data, not closures, so a snapshot can copy them and a restore can resume them.

export type TimerKind =
  | "task-step" // the agent moves a task one state on
  | "task-exit" // the task's process exits, per its image behaviour
  | "task-unhealthy"
  | "restart" // a restart delay has run out
  | "updater" // a rolling update may take its next step
  | "election" // the managers left after losing the leader have elected a new one
  | "wake"; // nothing to do; lets real-time mode stop at a chosen instant

export interface Timer {
  at: number;
  seq: number;
  kind: TimerKind;
  ref: string;
  token: number;
}

export class TimerQueue {
  heap: Timer[] = [];
  seq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(at: number, kind: TimerKind, ref: string, token = 0): void {
    const timer: Timer = { at, seq: this.seq++, kind, ref, token };
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  peek(): Timer | undefined {
    return this.heap[0];
  }

  pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * Callers outside the swarm (a client polling it) sleeping on its virtual time. Unlike timers
 * they are closures, and belong to no snapshot: a restore cannot resume someone else's await.
 */
export class Sleepers {
  readonly #waiting = new Set<{ at: number; wake: () => void }>();

  get size(): number {
    return this.#waiting.size;
  }

  /** Resolves when `wakeDue` reaches `at`; rejects with the signal's reason if it aborts first. */
  add(at: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = {
        at,
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#waiting.delete(sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.add(sleeper);
    });
  }

  /** The earliest time anyone sleeps until. */
  next(): number | undefined {
    let next: number | undefined;
    for (const { at } of this.#waiting) if (next === undefined || at < next) next = at;
    return next;
  }

  /** Wakes everyone whose time has come by `now`. */
  wakeDue(now: number): void {
    for (const sleeper of this.#waiting) {
      if (sleeper.at > now) continue;
      this.#waiting.delete(sleeper);
      sleeper.wake();
    }
  }
}
