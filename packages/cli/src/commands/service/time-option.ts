import { UsageError } from "../../errors.js";
import { parseDuration } from "../../options/units.js";

/** --since as the docker CLI reads it: RFC 3339, Unix seconds, or a duration back from now. Unix seconds out. */
export function parseSince(text: string, now: number): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^\d+(\.\d+)?(ns|us|ms|s|m|h)/.test(text)) return (now - parseDuration(text, "--since") / 1e6) / 1000;
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) {
    throw new UsageError(
      `--since: "${text}" is not a time; write 2025-01-01T10:00:00Z, Unix seconds, or 10m`,
    );
  }
  return parsed / 1000;
}
