import { setTimeout as sleep } from "node:timers/promises";
import { AbortError } from "@flotilla/transport";
import { isOutOfSequence } from "./errors.js";

// Read-modify-write of a versioned object: when another writer got in between our read and our
// write, the engine refuses the write as out of sequence, and we read again and retry. Between
// attempts we pause for a random time whose ceiling doubles each attempt ("full jitter"). Without
// the pause, writers that collided read the same version again and collide again, so with many
// writers on one object each round lets one through and the rest run out of attempts; the random,
// growing pause spreads them out until the engine can take them one by one.

/** Attempts in all (the first included) when the caller names none: enough for 100 writers on one object. */
export const DEFAULT_CONFLICT_ATTEMPTS = 16;
/** Ceiling of the first pause, in milliseconds; it doubles with each attempt. */
const FIRST_PAUSE_MS = 20;
/** The ceiling stops growing here, so the later attempts come about once a second. */
const LONGEST_PAUSE_MS = 2000;

/** The pause after failed attempt `attempt` (1-based): uniformly random below its ceiling. */
export function conflictPause(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export interface ConflictRetryOptions {
  /** Attempts in all, the first included; 1 means no retry. */
  attempts: number;
  /** Stops the pause between attempts with an AbortError naming `what`. */
  signal?: AbortSignal;
  /** What is being retried, for that error: `service abc update`. */
  what: string;
  /** The error to throw once every attempt was out of sequence; gets the last refusal. */
  exhausted(lastRefusal: unknown): Error;
}

/**
 * Runs `attempt` (which must read the object afresh each time) until it succeeds or fails for a
 * reason other than the version; after `attempts` out-of-sequence refusals throws `exhausted(...)`.
 */
export async function retryOnConflict<T>(
  attempt: (n: number) => Promise<T>,
  options: ConflictRetryOptions,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isOutOfSequence(error)) throw error;
      if (n >= options.attempts) throw options.exhausted(error);
    }
    await sleep(conflictPause(n), undefined, { signal: options.signal }).catch((error: unknown) => {
      throw new AbortError(`${options.what} (waiting to retry)`, { cause: error });
    });
  }
}
