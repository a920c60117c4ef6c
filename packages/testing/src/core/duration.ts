import { FakeSwarmError } from "./errors.js";

// Durations the way tests write them ("30s", "1m30s", "250ms") or as milliseconds.

export type Duration = number | string;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function toMillis(value: Duration): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0)
      throw new FakeSwarmError("ERR_FAKE_DURATION", `bad duration ${value}`);
    return value;
  }
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== value.trim()) {
    throw new FakeSwarmError(
      "ERR_FAKE_DURATION",
      `bad duration "${value}": write it as 500ms, 30s, 1m30s or 2h`,
    );
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
}

/** Engine durations are nanoseconds; the fake keeps milliseconds. */
export function nanosToMillis(nanos: number | undefined, fallback: number): number {
  return nanos === undefined ? fallback : nanos / 1_000_000;
}
