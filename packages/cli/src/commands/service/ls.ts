import type { ServiceFilters } from "@flotilla/client";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { paintState } from "../../output/color.js";
import { printList } from "../../output/format.js";
import { SERVICE_LIST_VIEW, serviceRows } from "./service-rows.js";

const FILTERS = new Set(["name", "id", "label", "mode"]);

export async function run(
  context: CommandContext,
  _operands: string[],
  options: { quiet?: boolean; format?: string; filter?: string[] },
): Promise<void> {
  const filters: Record<string, string[]> = {};
  for (const filter of options.filter ?? []) {
    const [key, value] = filter.split("=", 2) as [string, string | undefined];
    if (!FILTERS.has(key) || value === undefined) {
      throw new UsageError(`--filter: "${filter}" is not a filter; use name=, id=, label= or mode=`);
    }
    filters[key] = [...(filters[key] ?? []), value];
  }
  const client = await context.client();
  const services = await client.services.list({ filters: filters as ServiceFilters });
  const rows = await serviceRows(
    client,
    services.map((s) => s.attrs),
  );
  const stateColumn = SERVICE_LIST_VIEW.columns.findIndex((c) => c.header === "STATE");
  printList(context.stdout, rows, SERVICE_LIST_VIEW, {
    format: options.format,
    quiet: options.quiet,
    paint: (row, column, text) =>
      row > 0 && column === stateColumn ? paintState(context.colors, rows[row - 1]!.State, text) : text,
  });
}
