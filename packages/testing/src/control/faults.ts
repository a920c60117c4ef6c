import { setTimeout as sleep } from "node:timers/promises";
import { json } from "../api/http.js";

// Injected trouble for tests: an error answer, added latency, or both, on the calls that match.

export interface Fault {
  /** HTTP method to match; any when left out. */
  method?: string;
  /** Unversioned path (`/services/create`) or a pattern over it. */
  path: string | RegExp;
  /** Answer with this status and `{"message"}` instead of running the call. */
  status?: number;
  message?: string;
  /** Real milliseconds to wait before answering (transport timeouts run on real time). */
  latency?: number;
  /** How many calls it applies to; every matching call when left out. */
  times?: number;
}

export class FaultTable {
  readonly #faults: Fault[] = [];

  add(fault: Fault): () => void {
    const entry = { ...fault };
    this.#faults.push(entry);
    return () => {
      const index = this.#faults.indexOf(entry);
      if (index >= 0) this.#faults.splice(index, 1);
    };
  }

  clear(): void {
    this.#faults.length = 0;
  }

  async apply(method: string, path: string, signal: AbortSignal): Promise<Response | undefined> {
    const fault = this.#faults.find(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (typeof f.path === "string" ? f.path === path : f.path.test(path)),
    );
    if (!fault) return undefined;
    if (fault.times !== undefined && --fault.times <= 0) this.#faults.splice(this.#faults.indexOf(fault), 1);
    if (fault.latency) await sleep(fault.latency, undefined, { signal }).catch(() => {});
    if (fault.status === undefined) return undefined;
    return json(fault.status, { message: fault.message ?? "injected fault" });
  }
}
