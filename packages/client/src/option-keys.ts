import { ValidationError } from "@flotilla/types";
import leven from "leven";

// TypeScript catches `replcas: 2`; plain JavaScript would drop it without a word and create a
// service with one replica. Each options object the client takes is described here by its keys
// (the `satisfies` clauses keep the lists complete against the types), and a key outside them is
// refused, naming the nearest valid one by edit distance (leven).

/** What the value under a key is: anything (`true`), an object of known keys, or a list of them. */
export type KeyShape = true | { readonly [key: string]: KeyShape } | { readonly each: KeyShape };

function isList(shape: KeyShape): shape is { readonly each: KeyShape } {
  return typeof shape === "object" && "each" in shape && Object.keys(shape).length === 1;
}

/** The valid key closest to `key`, when it is close enough to be what was meant. */
export function nearest(key: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let distance = Number.POSITIVE_INFINITY;
  for (const candidate of valid) {
    const d = leven(key.toLowerCase(), candidate.toLowerCase());
    if (d < distance) [best, distance] = [candidate, d];
  }
  return distance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function walk(value: unknown, shape: KeyShape, path: string, issues: { path: string; message: string }[]) {
  if (shape === true || value === null || typeof value !== "object") return;
  if (isList(shape)) {
    if (!Array.isArray(value)) return;
    for (const [i, item] of value.entries()) walk(item, shape.each, `${path}[${i}]`, issues);
    return;
  }
  if (Array.isArray(value)) return;
  const fields = shape as { readonly [key: string]: KeyShape };
  const valid = Object.keys(fields);
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const known = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (known !== undefined) {
      walk(child, known, at, issues);
      continue;
    }
    // A key spread in with nothing under it asks for nothing.
    if (child === undefined) continue;
    const guess = nearest(key, valid);
    issues.push({
      path: at,
      message: guess ? `is not an option; did you mean "${guess}"?` : "is not an option",
    });
  }
}

/** Throws a ValidationError naming every key of `value` that `shape` does not know. */
export function checkOptionKeys(what: string, value: unknown, shape: KeyShape): void {
  const issues: { path: string; message: string }[] = [];
  walk(value, shape, "", issues);
  if (issues.length > 0) throw new ValidationError(what, issues);
}
