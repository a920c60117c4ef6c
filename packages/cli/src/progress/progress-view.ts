import sliceAnsi from "slice-ansi";
import type { OutputStream } from "../io.js";
import { type Palette, paintState } from "../output/color.js";

// How a wait looks. On a terminal: the docker CLI's live view, one bar per slot (or node, for
// global services) redrawn in place, each line cut to the terminal's width without cutting a
// colour escape (slice-ansi counts what is shown, not the escapes). Elsewhere, and on a terminal
// that reports no width (a pseudo-terminal of 0 columns, as `script -c` makes in CI): one line
// each time a slot changes state, so logs of CI runs read as a history, the same from run to run.

/** What the client's waitUntilConverged reports on each poll (a structural subset of it). */
export interface ProgressReport {
  mode: string;
  desired: number;
  running: number;
  /** Tasks told to stop whose containers are still stopping (a scale-down or stop waits for them). */
  stopping?: number;
  tasks: readonly { key: string; nodeId?: string; state: string; message?: string; error?: string }[];
  converged: boolean;
}

export interface ProgressView {
  update(report: ProgressReport): void;
  /** The last line: converged, or why not. */
  finish(message: string): void;
}

/** The stages a task passes on the way to running, as the docker CLI numbers them for its bars. */
const STAGES = [
  "new",
  "allocated",
  "pending",
  "assigned",
  "accepted",
  "preparing",
  "ready",
  "starting",
  "running",
];
const BAR_WIDTH = 50;

export function createProgressView(out: OutputStream, name: string, colors: Palette): ProgressView {
  const width = out.columns ?? 0;
  return out.isTTY && width > 0 ? new LiveView(out, name, colors, width) : new LineView(out, name);
}

function label(report: ProgressReport, key: string, index: number): string {
  return report.mode.startsWith("global") ? key.slice(0, 12) : `${index + 1}/${report.desired}`;
}

function stoppingNote(report: ProgressReport): string {
  return report.stopping ? `, ${report.stopping} stopping` : "";
}

class LineView implements ProgressView {
  readonly #out: OutputStream;
  readonly #name: string;
  readonly #seen = new Map<string, string>();
  #overall = "";

  constructor(out: OutputStream, name: string) {
    this.#out = out;
    this.#name = name;
  }

  update(report: ProgressReport): void {
    report.tasks.forEach((task, index) => {
      const text = task.error ? `${task.state}: ${task.error}` : task.state;
      if (this.#seen.get(task.key) === text) return;
      this.#seen.set(task.key, text);
      this.#out.write(`${this.#name}: ${label(report, task.key, index)}: ${text}\n`);
    });
    const overall = `${report.running}/${report.desired} running${stoppingNote(report)}`;
    if (overall !== this.#overall) {
      this.#overall = overall;
      this.#out.write(`${this.#name}: ${overall}\n`);
    }
  }

  finish(message: string): void {
    this.#out.write(`${this.#name}: ${message}\n`);
  }
}

class LiveView implements ProgressView {
  readonly #out: OutputStream;
  readonly #name: string;
  readonly #colors: Palette;
  readonly #columns: number;
  #drawn = 0;

  constructor(out: OutputStream, name: string, colors: Palette, columns: number) {
    this.#out = out;
    this.#name = name;
    this.#colors = colors;
    this.#columns = columns;
  }

  update(report: ProgressReport): void {
    const lines = [
      `${this.#name}: overall progress: ${report.running} out of ${report.desired} tasks${stoppingNote(report)}`,
    ];
    const labels = report.tasks.map((task, index) => label(report, task.key, index));
    const width = Math.max(0, ...labels.map((l) => l.length));
    report.tasks.forEach((task, index) => {
      const stage = Math.max(0, STAGES.indexOf(task.state)) + 1;
      const filled = task.state === "running" ? BAR_WIDTH : Math.floor((BAR_WIDTH * stage) / STAGES.length);
      const bar = `[${"=".repeat(Math.max(0, filled - 1))}>${" ".repeat(BAR_WIDTH - filled)}]`;
      const state = paintState(this.#colors, task.state, task.state.padEnd(9));
      const note = task.error ? ` ${this.#colors.red(task.error)}` : "";
      lines.push(`${labels[index]!.padStart(width)}: ${state} ${bar}${note}`);
    });
    this.#redraw(lines);
  }

  finish(message: string): void {
    this.#out.write(`verify: ${message}\n`);
  }

  #redraw(lines: string[]): void {
    const up = this.#drawn > 0 ? `\x1b[${this.#drawn}A` : "";
    // Cut to the width: a longer line would wrap, and the cursor-up count would then miss rows.
    const columns = this.#out.columns || this.#columns;
    const body = lines.map((line) => `\x1b[2K${sliceAnsi(line, 0, columns)}\n`).join("");
    // Rows left over from a longer previous frame (a slot went away) are cleared too.
    const extra = Math.max(0, this.#drawn - lines.length);
    const clear = extra > 0 ? `${"\x1b[2K\n".repeat(extra)}\x1b[${extra}A` : "";
    this.#out.write(up + body + clear);
    this.#drawn = lines.length;
  }
}
