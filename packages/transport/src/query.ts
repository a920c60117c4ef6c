import type { QueryValue } from "./transport.js";

/** Joins a path and its query the way the engine reads it: scalars as text, objects as JSON. */
export function withQuery(path: string, query: Readonly<Record<string, QueryValue>> | undefined): string {
  if (query === undefined) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.append(key, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  const encoded = params.toString();
  return encoded === "" ? path : `${path}?${encoded}`;
}

export type FilterValue = string | readonly string[] | Readonly<Record<string, boolean>> | undefined;

/**
 * Normalises filters to the `{"name": ["a", "b"]}` form every engine since 1.24 accepts, dropping
 * empty entries, so `{ label: "a=b", name: undefined }` becomes `{"label":["a=b"]}`.
 */
export function encodeFilters(filters: Readonly<Record<string, FilterValue>>): string {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    const values =
      typeof value === "string"
        ? [value]
        : Array.isArray(value)
          ? [...(value as readonly string[])]
          : Object.keys(value).filter((k) => (value as Record<string, boolean>)[k]);
    if (values.length > 0) out[key] = values;
  }
  return JSON.stringify(out);
}
