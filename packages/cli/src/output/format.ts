import { UsageError } from "../errors.js";
import type { OutputStream } from "../io.js";
import { alignTabbed, renderTable } from "./table.js";
import { CompiledTemplate } from "./template.js";

// One way to print a list of rows in every mode a list command offers: an aligned table (the
// default), JSON lines (`--format json`), a Go template (`--format '{{.Name}}'`, or `table ...`
// for aligned columns), or IDs alone (`-q`).

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
}

export interface ListView<Row> {
  columns: readonly Column<Row>[];
  /** What `-q` prints. */
  id: (row: Row) => string;
  /** What `--format json` and templates see: fields named as in `docker ... --format`. */
  fields: (row: Row) => Record<string, unknown>;
}

export interface ListOptions {
  format?: string;
  quiet?: boolean;
  /** Colours a table cell, on a colour terminal only. */
  paint?: (row: number, column: number, text: string) => string;
}

export function printList<Row>(
  out: OutputStream,
  rows: readonly Row[],
  view: ListView<Row>,
  options: ListOptions,
): void {
  const format = options.format?.trim();
  if (options.quiet) {
    if (format !== undefined && format !== "")
      throw new UsageError("--quiet and --format cannot be used together");
    for (const row of rows) out.write(`${view.id(row)}\n`);
    return;
  }
  const width = out.isTTY ? out.columns : undefined;
  if (format === undefined || format === "" || format === "table") {
    const cells = [
      view.columns.map((c) => c.header),
      ...rows.map((row) => view.columns.map((c) => c.value(row))),
    ];
    out.write(renderTable(cells, { width, paint: options.paint }));
    return;
  }
  if (format === "json") {
    for (const row of rows) out.write(`${JSON.stringify(view.fields(row))}\n`);
    return;
  }
  const template = new CompiledTemplate(format);
  const lines = rows.map((row) => template.render(view.fields(row)));
  if (template.isTable) {
    out.write(alignTabbed([template.header(), ...lines], { width }));
    return;
  }
  for (const line of lines) out.write(`${line}\n`);
}

/** One object (`inspect`, `show --format`): JSON by default, or a template over it. */
export function printObject(out: OutputStream, value: unknown, format: string | undefined): void {
  if (format === undefined || format === "" || format === "json") {
    out.write(`${JSON.stringify(value, null, 4)}\n`);
    return;
  }
  out.write(`${new CompiledTemplate(format).render(value)}\n`);
}
