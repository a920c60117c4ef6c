import { UsageError } from "../errors.js";

// The part of Go's text/template that people write in `--format`: text, `{{ }}` actions holding
// pipelines (`.Name | upper`), fields (`.Spec.Name`, `.`), string and number literals, and
// function calls. No `range`, `if` or variables: an action using them is refused by name.

export type Operand =
  | { kind: "field"; path: readonly string[] }
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "function"; name: string };

/** One stage of a pipeline: a function and its arguments, or a lone value. */
export type PipelineCommand = readonly Operand[];

export type TemplateNode =
  | { kind: "text"; text: string }
  | { kind: "action"; pipeline: readonly PipelineCommand[] };

const KEYWORDS = new Set(["range", "if", "else", "end", "with", "define", "template", "block"]);

export function parseTemplate(source: string): TemplateNode[] {
  const nodes: TemplateNode[] = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf("{{", at);
    if (open === -1) {
      nodes.push({ kind: "text", text: unescapeText(source.slice(at)) });
      break;
    }
    if (open > at) nodes.push({ kind: "text", text: unescapeText(source.slice(at, open)) });
    const close = source.indexOf("}}", open + 2);
    if (close === -1) throw new UsageError(`template: unclosed action at "${source.slice(open, open + 20)}"`);
    let body = source.slice(open + 2, close);
    // `{{- ` and ` -}}` trim surrounding space in Go; the subset accepts and honours them.
    if (body.startsWith("-")) {
      body = body.slice(1);
      const last = nodes.at(-1);
      if (last?.kind === "text") last.text = last.text.trimEnd();
    }
    let trimAfter = false;
    if (body.endsWith("-")) {
      body = body.slice(0, -1);
      trimAfter = true;
    }
    nodes.push({ kind: "action", pipeline: parsePipeline(body.trim()) });
    at = close + 2;
    if (trimAfter) while (at < source.length && /\s/.test(source[at]!)) at++;
  }
  return nodes;
}

/** Shells hand `\t` and `\n` over as two characters; templates mean a tab and a newline. */
function unescapeText(text: string): string {
  return text.replaceAll("\\t", "\t").replaceAll("\\n", "\n");
}

function parsePipeline(body: string): PipelineCommand[] {
  if (body === "") throw new UsageError("template: empty action {{}}");
  const commands: Operand[][] = [[]];
  for (const token of tokenize(body)) {
    if (token === "|") {
      commands.push([]);
      continue;
    }
    commands.at(-1)!.push(operand(token));
  }
  for (const command of commands) {
    if (command.length === 0) throw new UsageError(`template: missing command in "{{${body}}}"`);
    const [head, ...rest] = command;
    if (head!.kind !== "function" && rest.length > 0) {
      throw new UsageError(`template: "{{${body}}}" has arguments after a value that is not a function`);
    }
  }
  return commands;
}

function operand(token: string): Operand {
  if (token === ".") return { kind: "field", path: [] };
  if (token.startsWith(".")) return { kind: "field", path: token.slice(1).split(".") };
  if (token.startsWith('"')) return { kind: "string", value: goString(token) };
  if (token.startsWith("`")) return { kind: "string", value: token.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(token)) {
    const value = Number(token);
    // Go reads an integer literal into an int: one past 2^63 does not parse there.
    if (!token.includes(".") && !Number.isSafeInteger(value))
      throw new UsageError(`template: number ${token} is too large`);
    return { kind: "number", value };
  }
  if (KEYWORDS.has(token))
    throw new UsageError(`template: {{${token}}} is not supported; use fields and functions`);
  if (/^[A-Za-z_]\w*$/.test(token)) return { kind: "function", name: token };
  throw new UsageError(`template: cannot read "${token}"`);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
};
const ESCAPE = /\\(?:([abfnrtv\\"])|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{3}))|\\/g;

/** A Go interpreted string literal (`"a\tb\x41"`) read as Go's strconv.Unquote reads it. */
function goString(token: string): string {
  const refuse = () => new UsageError(`template: cannot read the string ${token}`);
  return token.slice(1, -1).replace(ESCAPE, (whole, simple, hex, u4, u8, octal) => {
    if (simple) return SIMPLE_ESCAPES[simple]!;
    const code = Number.parseInt(hex ?? u4 ?? u8 ?? octal ?? "", hex || u4 || u8 ? 16 : 8);
    if (whole === "\\" || Number.isNaN(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      throw refuse();
    // \x and octal escapes are bytes in Go; a byte above 0x7f alone is not valid UTF-8 text.
    if ((hex || octal) && code > 0x7f) throw refuse();
    return String.fromCodePoint(code);
  });
}

function tokenize(body: string): string[] {
  const tokens: string[] = [];
  let at = 0;
  while (at < body.length) {
    const char = body[at]!;
    if (/\s/.test(char)) {
      at++;
    } else if (char === "|") {
      tokens.push("|");
      at++;
    } else if (char === '"' || char === "`") {
      let end = at + 1;
      while (end < body.length && body[end] !== char) end += body[end] === "\\" && char === '"' ? 2 : 1;
      if (end >= body.length) throw new UsageError(`template: unterminated string in "{{${body}}}"`);
      tokens.push(body.slice(at, end + 1));
      at = end + 1;
    } else {
      let end = at;
      while (end < body.length && !/[\s|]/.test(body[end]!)) end++;
      tokens.push(body.slice(at, end));
      at = end;
    }
  }
  return tokens;
}
