import { UsageError } from "../errors.js";

/** `KEY=VALUE` for -e and -l style options; `KEY` alone takes the value from `fallback` (docker reads the caller's environment). */
export function parseKeyValue(
  text: string,
  option: string,
  fallback?: Readonly<Record<string, string | undefined>>,
): [string, string] {
  const equals = text.indexOf("=");
  if (equals === 0) throw new UsageError(`${option}: "${text}" has no name before "="`);
  if (equals > 0) return [text.slice(0, equals), text.slice(equals + 1)];
  // Own variables only: `-e constructor` names a variable, not Object.prototype's constructor.
  const value = fallback && Object.hasOwn(fallback, text) ? fallback[text] : undefined;
  if (fallback && value !== undefined) return [text, value];
  if (fallback)
    throw new UsageError(
      `${option}: "${text}" has no "=VALUE", and no ${text} is set in this shell to pass on; write ${text}=VALUE`,
    );
  return [text, ""];
}

export function toRecord(
  items: readonly string[] | undefined,
  option: string,
  fallback?: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return Object.fromEntries((items ?? []).map((item) => parseKeyValue(item, option, fallback)));
}
