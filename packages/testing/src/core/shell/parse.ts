// The little of busybox sh's grammar that service commands use: simple commands with quoting,
// `$VAR`, `$((...))` and redirects, in pipelines, joined by `;`, newlines, `&&` and `||`, and
// `while`/`until`/`for`/`if` and `{ }` blocks. Anything else is refused with a reason naming the
// construct, so a test never runs a script the fake only half understood.

/** A piece of a word: quoted pieces are not field-split, single-quoted ones are not expanded. */
export interface WordPart {
  text: string;
  quote: "none" | "single" | "double";
}
export type Word = WordPart[];

export type Redirect =
  | {
      fd: 1 | 2;
      /** Another descriptor (`>&2`), a file path (`> /tmp/x`), or nowhere. */
      to: { fd: 1 | 2 } | { path: Word; append: boolean };
    }
  /** `< FILE`: standard input read from a file. */
  | { fd: 0; from: Word };

export type Command =
  | { kind: "simple"; assigns: { name: string; value: Word }[]; words: Word[]; redirects: Redirect[] }
  | { kind: "loop"; until: boolean; test: List; body: List }
  | { kind: "for"; name: string; items: Word[]; body: List }
  | { kind: "if"; branches: { test: List; body: List }[]; otherwise?: List }
  | { kind: "group"; body: List; redirects: Redirect[] }
  /** `a | b | c`: each stage's standard output is the next one's standard input. */
  | { kind: "pipeline"; stages: Command[] };

/** `a && b || c`: each command after the first runs only if the previous status allows. */
export interface AndOr {
  first: Command;
  rest: { op: "&&" | "||"; command: Command }[];
  negate: boolean;
}
export type List = AndOr[];

/** Internal: caught where the script is run and printed as sh prints its syntax errors. */
export class ShellSyntaxError extends Error {
  override readonly name = "ShellSyntaxError";
}

type Token = { kind: "word"; word: Word; raw: string } | { kind: "op"; op: string };

const OPERATORS = ["&&", "||", ";;", ">>", ">&", "<&", "<<", ";", "&", "|", "(", ")", ">", "<", "\n"];
const RESERVED = new Set([
  "while",
  "until",
  "for",
  "do",
  "done",
  "if",
  "then",
  "elif",
  "else",
  "fi",
  "{",
  "}",
  "in",
]);

export function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c === "\\" && script[i + 1] === "\n") {
      i += 2;
      continue;
    }
    if (c === "#") {
      while (i < script.length && script[i] !== "\n") i++;
      continue;
    }
    // An IO number: digits right before a redirection operator.
    const io = /^(\d+)(?=[<>])/.exec(script.slice(i));
    if (io) {
      tokens.push({ kind: "op", op: io[1]! });
      i += io[1]!.length;
      continue;
    }
    const op = OPERATORS.find((o) => script.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", op });
      i += op.length;
      continue;
    }
    const start = i;
    const word: Word = [];
    const push = (text: string, quote: WordPart["quote"]) => {
      const last = word.at(-1);
      if (last && last.quote === quote) last.text += text;
      else word.push({ text, quote });
    };
    while (i < script.length) {
      const ch = script[i]!;
      if (" \t\n;&|()<>".includes(ch)) break;
      if (ch === "\\") {
        // A backslash keeps the next character literal, as if single-quoted.
        if (i + 1 < script.length) push(script[i + 1]!, "single");
        i += 2;
      } else if (ch === "'") {
        const end = script.indexOf("'", i + 1);
        if (end < 0) throw new ShellSyntaxError("unterminated quoted string");
        push(script.slice(i + 1, end), "single");
        if (end === i + 1) push("", "single");
        i = end + 1;
      } else if (ch === '"') {
        i++;
        let text = "";
        while (i < script.length && script[i] !== '"') {
          if (script[i] === "\\" && '$"\\`\n'.includes(script[i + 1] ?? "")) {
            // Escaped inside double quotes: literal, so keep it out of expansion.
            if (text) push(text, "double");
            text = "";
            if (script[i + 1] !== "\n") push(script[i + 1]!, "single");
            i += 2;
            continue;
          }
          if (script[i] === "$" && script.startsWith("((", i + 1)) {
            const end = arithmeticEnd(script, i);
            text += script.slice(i, end);
            i = end;
            continue;
          }
          refuseSubstitution(script, i);
          text += script[i];
          i++;
        }
        if (i >= script.length) throw new ShellSyntaxError("unterminated quoted string");
        push(text, "double");
        i++;
      } else {
        if (ch === "$" && script.startsWith("((", i + 1)) {
          const end = arithmeticEnd(script, i);
          push(script.slice(i, end), "none");
          i = end;
          continue;
        }
        refuseSubstitution(script, i);
        push(ch, "none");
        i++;
      }
    }
    tokens.push({ kind: "word", word, raw: script.slice(start, i) });
  }
  return tokens;
}

/** Where the `$((...))` starting at `start` ends: after the `))` that closes its parentheses. */
function arithmeticEnd(script: string, start: number): number {
  let depth = 0;
  for (let i = start + 1; i < script.length; i++) {
    if (script[i] === "(") depth++;
    else if (script[i] === ")" && --depth === 0) return i + 1;
  }
  throw new ShellSyntaxError("syntax error: unterminated $((");
}

function refuseSubstitution(script: string, i: number): void {
  if (script[i] === "`" || (script[i] === "$" && script[i + 1] === "(")) {
    throw new ShellSyntaxError("command substitution $(...) is not simulated in the fake");
  }
}

export function parse(script: string): List {
  return new Parser(tokenize(script)).script();
}

class Parser {
  #pos = 0;
  constructor(readonly tokens: Token[]) {}

  script(): List {
    const list = this.list(new Set());
    const left = this.tokens[this.#pos];
    if (left) throw new ShellSyntaxError(`syntax error: unexpected "${describe(left)}"`);
    return list;
  }

  /** Commands until one of `stops` (a reserved word in command position) or the end. */
  list(stops: Set<string>): List {
    const list: List = [];
    for (;;) {
      this.#skipSeparators();
      const next = this.tokens[this.#pos];
      if (!next || (next.kind === "word" && stops.has(next.raw)) || isOp(next, ")")) return list;
      list.push(this.andOr());
      const sep = this.tokens[this.#pos];
      if (sep && isOp(sep, "&"))
        throw new ShellSyntaxError("background jobs (&) are not simulated in the fake");
      if (sep && !isOp(sep, ";") && !isOp(sep, "\n") && !(sep.kind === "word" && stops.has(sep.raw))) {
        if (isOp(sep, ")")) return list;
        throw new ShellSyntaxError(`syntax error: unexpected "${describe(sep)}"`);
      }
    }
  }

  andOr(): AndOr {
    let negate = false;
    if (this.#peekWord() === "!") {
      negate = true;
      this.#pos++;
    }
    const first = this.pipeline();
    const rest: AndOr["rest"] = [];
    for (let t = this.tokens[this.#pos]; t && (isOp(t, "&&") || isOp(t, "||")); t = this.tokens[this.#pos]) {
      this.#pos++;
      this.#skipNewlines();
      rest.push({ op: (t as { op: "&&" | "||" }).op, command: this.pipeline() });
    }
    return { first, rest, negate };
  }

  pipeline(): Command {
    const stages = [this.command()];
    for (let t = this.tokens[this.#pos]; t && isOp(t, "|"); t = this.tokens[this.#pos]) {
      this.#pos++;
      this.#skipNewlines();
      stages.push(this.command());
    }
    return stages.length === 1 ? stages[0]! : { kind: "pipeline", stages };
  }

  command(): Command {
    const head = this.#peekWord();
    switch (head) {
      case "while":
      case "until": {
        this.#pos++;
        const test = this.list(new Set(["do"]));
        this.#expect("do");
        const body = this.list(new Set(["done"]));
        this.#expect("done");
        return { kind: "loop", until: head === "until", test, body };
      }
      case "for": {
        this.#pos++;
        const name = this.#peekWord();
        if (!name || !/^[A-Za-z_]\w*$/.test(name))
          throw new ShellSyntaxError("syntax error: bad for loop variable");
        this.#pos++;
        const items: Word[] = [];
        if (this.#peekWord() === "in") {
          this.#pos++;
          for (let t = this.tokens[this.#pos]; t?.kind === "word"; t = this.tokens[this.#pos]) {
            items.push(t.word);
            this.#pos++;
          }
        }
        this.#skipSeparators();
        this.#expect("do");
        const body = this.list(new Set(["done"]));
        this.#expect("done");
        return { kind: "for", name, items, body };
      }
      case "if": {
        this.#pos++;
        const branches: { test: List; body: List }[] = [];
        let otherwise: List | undefined;
        for (;;) {
          const test = this.list(new Set(["then"]));
          this.#expect("then");
          const body = this.list(new Set(["elif", "else", "fi"]));
          branches.push({ test, body });
          const word = this.#peekWord();
          this.#pos++;
          if (word === "elif") continue;
          if (word === "else") {
            otherwise = this.list(new Set(["fi"]));
            this.#expect("fi");
          } else if (word !== "fi") throw new ShellSyntaxError('syntax error: expected "fi"');
          return { kind: "if", branches, ...(otherwise && { otherwise }) };
        }
      }
      case "{": {
        this.#pos++;
        const body = this.list(new Set(["}"]));
        this.#expect("}");
        return { kind: "group", body, redirects: this.#redirects() };
      }
      default:
        if (this.tokens[this.#pos] && isOp(this.tokens[this.#pos]!, "(")) {
          throw new ShellSyntaxError("subshells ( ) are not simulated in the fake");
        }
        return this.simple();
    }
  }

  simple(): Command {
    const assigns: { name: string; value: Word }[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (let t = this.tokens[this.#pos]; t; t = this.tokens[this.#pos]) {
      if (t.kind === "word") {
        // Reserved words count only in command position, where list() has already looked.
        if (words.length === 0 && assigns.length === 0 && RESERVED.has(t.raw)) break;
        const assign = /^([A-Za-z_]\w*)=/.exec(t.raw);
        if (words.length === 0 && assign && t.word[0]?.quote === "none") {
          assigns.push({ name: assign[1]!, value: dropPrefix(t.word, assign[0].length) });
        } else words.push(t.word);
        this.#pos++;
        continue;
      }
      const redirect = this.#redirect();
      if (!redirect) break;
      redirects.push(redirect);
    }
    if (assigns.length === 0 && words.length === 0 && redirects.length === 0) {
      const t = this.tokens[this.#pos];
      throw new ShellSyntaxError(`syntax error: unexpected ${t ? `"${describe(t)}"` : "end of file"}`);
    }
    return { kind: "simple", assigns, words, redirects };
  }

  #redirects(): Redirect[] {
    const out: Redirect[] = [];
    for (let r = this.#redirect(); r; r = this.#redirect()) out.push(r);
    return out;
  }

  #redirect(): Redirect | undefined {
    let t = this.tokens[this.#pos];
    if (t?.kind !== "op") return undefined;
    let fd = 1;
    const numbered = /^\d+$/.test(t.op);
    if (numbered) {
      fd = Number(t.op);
      this.#pos++;
      t = this.tokens[this.#pos];
      if (t?.kind !== "op") throw new ShellSyntaxError("syntax error: bad redirection");
    }
    if (t.op === "<" && (numbered ? fd === 0 : true)) {
      this.#pos++;
      const source = this.tokens[this.#pos];
      if (source?.kind !== "word") throw new ShellSyntaxError("syntax error: unexpected redirection");
      this.#pos++;
      return { fd: 0, from: source.word };
    }
    if (t.op === "<" || t.op === "<<" || t.op === "<&")
      throw new ShellSyntaxError(`input redirection ${t.op} is not simulated in the fake`);
    if (t.op !== ">" && t.op !== ">>" && t.op !== ">&") {
      if (fd !== 1) throw new ShellSyntaxError("syntax error: bad redirection");
      return undefined;
    }
    if (fd !== 1 && fd !== 2)
      throw new ShellSyntaxError(`redirecting descriptor ${fd} is not simulated in the fake`);
    this.#pos++;
    const target = this.tokens[this.#pos];
    if (target?.kind !== "word") throw new ShellSyntaxError("syntax error: unexpected redirection");
    this.#pos++;
    if (t.op === ">&") {
      if (target.raw !== "1" && target.raw !== "2") {
        throw new ShellSyntaxError(`redirecting to descriptor ${target.raw} is not simulated in the fake`);
      }
      return { fd, to: { fd: Number(target.raw) as 1 | 2 } };
    }
    return { fd, to: { path: target.word, append: t.op === ">>" } };
  }

  #peekWord(): string | undefined {
    const t = this.tokens[this.#pos];
    return t?.kind === "word" ? t.raw : undefined;
  }

  #expect(word: string): void {
    if (this.#peekWord() !== word) {
      const t = this.tokens[this.#pos];
      throw new ShellSyntaxError(
        `syntax error: unexpected ${t ? `"${describe(t)}"` : "end of file"} (expecting "${word}")`,
      );
    }
    this.#pos++;
  }

  #skipNewlines(): void {
    while (this.tokens[this.#pos] && isOp(this.tokens[this.#pos]!, "\n")) this.#pos++;
  }

  #skipSeparators(): void {
    for (let t = this.tokens[this.#pos]; t && (isOp(t, ";") || isOp(t, "\n")); t = this.tokens[this.#pos]) {
      this.#pos++;
    }
  }
}

const isOp = (t: Token, op: string) => t.kind === "op" && t.op === op;
const describe = (t: Token) => (t.kind === "word" ? t.raw : t.op === "\n" ? "newline" : t.op);

function dropPrefix(word: Word, length: number): Word {
  const [first, ...rest] = word;
  const text = first!.text.slice(length);
  return text ? [{ ...first!, text }, ...rest] : rest.length ? rest : [{ text: "", quote: "single" }];
}
