import { encodeFilters, type FilterValue } from "@flotilla/transport";

// Friendly filter names (camelCase, as the rest of the API) to the engine's, then the transport's
// encoding. Unknown names pass through as written, so a filter newer than this table still works.

export type Filters<Name extends string> = { [K in Name]?: FilterValue } & Record<string, FilterValue>;

const ENGINE_NAMES: Record<string, string> = {
  desiredState: "desired-state",
  nodeLabel: "node.label",
  upToDate: "up-to-date",
};

/** The `filters` query value, or undefined when no filter is set. */
export function filtersQuery(filters: Readonly<Record<string, FilterValue>> | undefined): string | undefined {
  if (!filters) return undefined;
  const renamed: Record<string, FilterValue> = {};
  for (const [name, value] of Object.entries(filters)) renamed[ENGINE_NAMES[name] ?? name] = value;
  const encoded = encodeFilters(renamed);
  return encoded === "{}" ? undefined : encoded;
}
