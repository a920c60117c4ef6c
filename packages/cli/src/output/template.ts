import { UsageError } from "../errors.js";
import { type Operand, type PipelineCommand, parseTemplate, type TemplateNode } from "./template-parse.js";
import { formatGo, sprintf } from "./template-values.js";

// Runs a parsed `--format` template over one row. `table` templates also give a header row,
// named after the first field each action reads (`.CreatedAt` heads its column as CREATED AT).

type TemplateFunction = (...args: unknown[]) => unknown;

const FUNCTIONS: Record<string, TemplateFunction> = {
  json: (value) => JSON.stringify(value ?? null),
  join: (list, separator) =>
    asList(list, "join")
      .map(formatGo)
      .join(String(separator ?? "")),
  split: (text, separator) => String(text).split(String(separator)),
  upper: (text) => formatGo(text).toUpperCase(),
  lower: (text) => formatGo(text).toLowerCase(),
  title: (text) => formatGo(text).replace(/\b\w/g, (c) => c.toUpperCase()),
  truncate: (text, length) => [...formatGo(text)].slice(0, count(length, "truncate")).join(""),
  pad: (text, before, after) =>
    " ".repeat(count(before, "pad")) + formatGo(text) + " ".repeat(count(after, "pad")),
  printf: (format, ...args) => sprintf(String(format), args),
  print: (...args) => args.map(formatGo).join(""),
  println: (...args) => `${args.map(formatGo).join(" ")}\n`,
  len: (value) => (Array.isArray(value) ? value.length : typeof value === "string" ? value.length : 0),
};

/** Fewest arguments each function reads; Go refuses a call with fewer, and so do we. */
const ARITY: Record<string, number> = {
  json: 1,
  join: 2,
  split: 2,
  upper: 1,
  lower: 1,
  title: 1,
  truncate: 2,
  pad: 3,
  printf: 1,
  len: 1,
};

/** The most spaces `pad` adds and the widest a printf verb pads to: Go's fmt refuses widths over 1e6. */
export const MAX_WIDTH = 1e6;

/** A count argument (`pad`'s, `truncate`'s): a whole number from 0 to MAX_WIDTH, as Go's int. */
function count(value: unknown, fn: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_WIDTH)
    throw new UsageError(
      `template: ${fn} wants a whole number from 0 to ${MAX_WIDTH}, got ${formatGo(value)}`,
    );
  return value;
}

/** Our functions by name: only the table's own keys, never Object.prototype's (`constructor`). */
function isFunction(name: string): boolean {
  return Object.hasOwn(FUNCTIONS, name);
}

function call(name: string, args: unknown[]): unknown {
  const wants = Object.hasOwn(ARITY, name) ? ARITY[name]! : 0;
  if (args.length < wants)
    throw new UsageError(`template: ${name} wants ${wants} argument(s), got ${args.length}`);
  return FUNCTIONS[name]!(...args);
}

function asList(value: unknown, fn: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new UsageError(`template: ${fn} wants a list, got ${formatGo(value)}`);
}

export class CompiledTemplate {
  readonly isTable: boolean;
  readonly #nodes: TemplateNode[];

  constructor(source: string) {
    const table = /^\s*table(\s+|$)/.exec(source);
    this.isTable = table !== null;
    this.#nodes = parseTemplate(table ? source.slice(table[0].length) : source);
    for (const node of this.#nodes) {
      if (node.kind === "action") for (const command of node.pipeline) checkFunction(command);
    }
  }

  render(row: unknown): string {
    return this.#nodes
      .map((node) => (node.kind === "text" ? node.text : formatGo(runPipeline(node.pipeline, row))))
      .join("");
  }

  /** The header line of a `table` template: each action replaced by its field's column name. */
  header(): string {
    return this.#nodes.map((node) => (node.kind === "text" ? node.text : headerOf(node.pipeline))).join("");
  }
}

function checkFunction(command: PipelineCommand): void {
  for (const operand of command) {
    if (operand.kind === "function" && !isFunction(operand.name)) {
      throw new UsageError(
        `template: function "${operand.name}" not defined; available: ${Object.keys(FUNCTIONS).join(", ")}`,
      );
    }
  }
}

function runPipeline(pipeline: readonly PipelineCommand[], row: unknown): unknown {
  let piped: unknown;
  let first = true;
  for (const command of pipeline) {
    const [head, ...rest] = command;
    const args = rest.map((operand) => evaluate(operand, row));
    if (!first) args.push(piped);
    if (head!.kind === "function") piped = call(head!.name, args);
    else if (!first) throw new UsageError("template: only a function can follow |");
    else piped = evaluate(head!, row);
    first = false;
  }
  return piped;
}

function evaluate(operand: Operand, row: unknown): unknown {
  switch (operand.kind) {
    case "string":
    case "number":
      return operand.value;
    case "function":
      return call(operand.name, []);
    case "field":
      return lookup(row, operand.path);
  }
}

function lookup(row: unknown, path: readonly string[]): unknown {
  let value = row;
  for (const [index, key] of path.entries()) {
    // A field is an object's own key, as Go's are a struct's or a map's: not a list's `length`, nor
    // Object.prototype's `constructor`.
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, key)) {
      const where = path.slice(0, index + 1).join(".");
      const known = value !== null && typeof value === "object" ? Object.keys(value).join(", ") : "none";
      throw new UsageError(`template: field .${where} does not exist; fields here: ${known}`);
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function headerOf(pipeline: readonly PipelineCommand[]): string {
  for (const command of pipeline) {
    for (const operand of command) {
      if (operand.kind === "field" && operand.path.length > 0) return columnName(operand.path.at(-1)!);
    }
  }
  return "";
}

/** `CreatedAt` → `CREATED AT`, `ID` → `ID`. */
export function columnName(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toUpperCase();
}
