import { AsyncLocalStorage } from "node:async_hooks";
import { isOutOfSequence } from "@flotilla/client";
import type { Transport, TransportRequest } from "@flotilla/transport";

// Sees every service update a client sends, and which concurrent writer sent it: the writer runs
// inside `as(writer, ...)`, and the async context carries its number down to the transport. So a
// test can count attempts and refusals per writer without the client exposing its retry loop.

export interface UpdateAttempt {
  writer: number | undefined;
  /** The `version` query the update was sent with: the version the writer had read. */
  version: number;
  outcome: "applied" | "out-of-sequence" | "failed";
}

const UPDATE_PATH = /\/services\/[^/]+\/update$/;

export class UpdateRecorder {
  readonly attempts: UpdateAttempt[] = [];
  readonly #writer = new AsyncLocalStorage<number>();

  /** Runs `work` as writer `writer`: updates it sends are recorded under that number. */
  as<T>(writer: number, work: () => Promise<T>): Promise<T> {
    return this.#writer.run(writer, work);
  }

  /** `inner`, recording each service update that passes through it. */
  wrap(inner: Transport): Transport {
    const recorder = this;
    return {
      get endpoint() {
        return inner.endpoint;
      },
      async request(request: TransportRequest) {
        if (request.method !== "POST" || !UPDATE_PATH.test(request.path)) return inner.request(request);
        const attempt: UpdateAttempt = {
          writer: recorder.#writer.getStore(),
          version: Number(request.query?.version),
          outcome: "failed",
        };
        recorder.attempts.push(attempt);
        try {
          const response = await inner.request(request);
          attempt.outcome = "applied";
          return response;
        } catch (error) {
          if (isOutOfSequence(error)) attempt.outcome = "out-of-sequence";
          throw error;
        }
      },
      close: () => inner.close(),
      [Symbol.asyncDispose]: () => inner.close(),
    };
  }

  count(outcome: UpdateAttempt["outcome"]): number {
    return this.attempts.filter((a) => a.outcome === outcome).length;
  }

  /** The most attempts any one writer needed. */
  mostAttemptsByOneWriter(): number {
    const perWriter = new Map<number | undefined, number>();
    for (const a of this.attempts) perWriter.set(a.writer, (perWriter.get(a.writer) ?? 0) + 1);
    return Math.max(0, ...perWriter.values());
  }
}
