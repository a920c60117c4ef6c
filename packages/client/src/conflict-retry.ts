import { setTimeout as sleep } from "node:timers/promises";
import { AbortError, UncertainWriteError } from "@flotilla/transport";
import { isOutOfSequence } from "./errors.js";

// Read-modify-write of a versioned object: when another writer got in between our read and our
// write, the engine refuses the write as out of sequence, and we read again and retry. Between
// attempts we pause for a random time whose ceiling doubles each attempt ("full jitter"). Without
// the pause, writers that collided read the same version again and collide again, so with many
// writers on one object each round lets one through and the rest run out of attempts; the random,
// growing pause spreads them out until the engine can take them one by one.

/** Attempts in all (the first included) when the caller names none: enough for 100 writers on one object. */
export const DEFAULT_CONFLICT_ATTEMPTS = 16;
/** Managers lost mid-write that an unpinned read-modify-write gets past (see `uncertainWrites`). */
export const UNCERTAIN_WRITE_RETRIES = 3;
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
  /**
   * How many writes that may or may not have been applied (`UncertainWriteError`: the manager was
   * lost after the write went out) to follow with another attempt; none unless given. Safe only
   * when each attempt reads afresh and writes at the version it read: an applied write then shows
   * in the read, and a write at a stale version is refused, never applied twice.
   */
  uncertainWrites?: number;
}

/**
 * Runs `attempt` (which must read the object afresh each time) until it succeeds or fails for a
 * reason other than the version; after `attempts` out-of-sequence refusals throws `exhausted(...)`.
 * `attempt` learns whether a write before it was lost uncertain, so it can tell if that one landed.
 */
export async function retryOnConflict<T>(
  attempt: (n: number, afterUncertainWrite: boolean) => Promise<T>,
  options: ConflictRetryOptions,
): Promise<T> {
  let uncertain = 0;
  for (let n = 1, refused = 0; ; n++) {
    try {
      return await attempt(n, uncertain > 0);
    } catch (error) {
      if (error instanceof UncertainWriteError && uncertain < (options.uncertainWrites ?? 0)) {
        // Not a refusal: read again at once, through whichever manager now answers.
        uncertain++;
        continue;
      }
      if (!isOutOfSequence(error)) throw error;
      if (++refused >= options.attempts) throw options.exhausted(error);
      await pause(refused, options);
    }
  }
}

async function pause(refused: number, options: ConflictRetryOptions): Promise<void> {
  await sleep(conflictPause(refused), undefined, { signal: options.signal }).catch((error: unknown) => {
    throw new AbortError(`${options.what} (waiting to retry)`, { cause: error });
  });
}
