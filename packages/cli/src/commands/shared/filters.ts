import { UsageError } from "../../errors.js";

/**
 * `-f KEY=VALUE` options into the client's filters: `names` maps what the user types (the docker
 * CLI's names) to the client's; a repeated key ORs its values, as the engine does.
 */
export function parseFilters(
  given: readonly string[] | undefined,
  names: Readonly<Record<string, string>>,
): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (const filter of given ?? []) {
    const equals = filter.indexOf("=");
    const key = equals > 0 ? filter.slice(0, equals) : filter;
    const name = names[key];
    if (equals <= 0 || name === undefined) {
      const known = Object.keys(names).map((k) => `${k}=`);
      throw new UsageError(`--filter: "${filter}" is not a filter; use ${known.join(", ")}`);
    }
    filters[name] = [...(filters[name] ?? []), filter.slice(equals + 1)];
  }
  return filters;
}
