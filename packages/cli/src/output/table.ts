// Columns aligned like the docker CLI's tabwriter (two spaces between columns), with the widest
// column cut to fit a terminal when one is known. Cells are plain text; colour is applied after
// padding so escape codes never count toward widths.

export interface TableOptions {
  /** Terminal width; rows are cut to fit when set. */
  width?: number;
  /** Colours a cell after alignment: (row index, column index, padded text). */
  paint?: (row: number, column: number, text: string) => string;
}

const GAP = "   ";

export function renderTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  if (rows.length === 0) return "";
  const columns = Math.max(...rows.map((row) => row.length));
  const widths: number[] = Array.from({ length: columns }, (_, c) =>
    Math.max(...rows.map((row) => visibleLength(row[c] ?? ""))),
  );
  if (options.width !== undefined) shrink(widths, options.width);
  return rows
    .map((row, r) => {
      const cells = row.map((cell, c) => {
        const fitted = fit(cell, widths[c]!);
        const padded = c === row.length - 1 ? fitted : fitted.padEnd(widths[c]!);
        return options.paint ? options.paint(r, c, padded) : padded;
      });
      return `${cells.join(GAP).trimEnd()}\n`;
    })
    .join("");
}

/** Takes characters from the widest column until the row fits (never below 8 per column). */
function shrink(widths: number[], total: number): void {
  const used = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  while (used() > total) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 8) return;
    widths[widest]! -= 1;
  }
}

function fit(cell: string, width: number): string {
  if (visibleLength(cell) <= width) return cell;
  return `${cell.slice(0, Math.max(0, width - 1))}…`;
}

function visibleLength(text: string): number {
  return text.length;
}

/** Cells split on tabs, as `--format 'table ...'` templates produce them. */
export function alignTabbed(lines: readonly string[], options: TableOptions = {}): string {
  return renderTable(
    lines.map((line) => line.split("\t")),
    options,
  );
}
