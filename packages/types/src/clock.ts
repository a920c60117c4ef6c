// Time as the far end of a transport keeps it. An engine keeps the wall clock. The fake swarm in
// its default "auto" mode keeps virtual time, and moves it on when every waiter waits on it. A
// transport may carry one as `clock`, and the client's waits (poll intervals, deadlines) use it,
// so they pass in the time of the swarm they are waiting on. It lives here because both the
// client and the fake depend on this package and on nothing of each other.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The clock a transport carries, if any. */
export function clockOf(transport: object): Clock | undefined {
  const clock = (transport as { clock?: unknown }).clock;
  if (typeof clock !== "object" || clock === null) return undefined;
  const { now, sleep } = clock as Partial<Clock>;
  return typeof now === "function" && typeof sleep === "function" ? (clock as Clock) : undefined;
}
