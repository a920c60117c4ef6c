// dockerd reads JSON with Go's encoding/json, and its syntax errors reach the caller verbatim.
// This scanner finds where the first JSON value in a text ends, or the message Go would give for
// it. Request bodies are read as a json.Decoder reads them (the first value, anything after it
// ignored, "unexpected EOF" when cut short); query parameters as json.Unmarshal reads them (the
// whole text, "unexpected end of JSON input").

export type GoJsonMode = "decoder" | "unmarshal";

export type ScanResult = { end: number } | { error: string };

class GoSyntaxError {
  constructor(readonly message: string) {}
}

const GO_ESCAPES: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  "\\": "\\\\",
};

/** Go prints the offending character as a rune literal, escaped as strconv.Quote escapes it. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  const escaped =
    GO_ESCAPES[c] ?? (c < " " || c === "\x7f" ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : c);
  return `'${escaped}'`;
}

/**
 * Numbers as they were written, by the object or array holding them and their key or index: Go
 * reads a number's text into the field's type (`1e3` is no uint64, `1.0` no int), so the text is
 * kept beside the value until the field's type is known.
 */
export type NumberLiterals = WeakMap<object, Map<string | number, string>>;

/** Go's scanner refuses deeper nesting (encoding/json's maxNestingDepth). */
export const MAX_NESTING_DEPTH = 10_000;

type Container = { object: Record<string, unknown>; key: string } | { array: unknown[] };

/** An object key set as data, even `__proto__`. */
export function setKey(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\n";

/**
 * The first JSON value in `text` as Go's scanner reads it (each number's text in `literals`), or
 * the syntax error Go reports for it. Iterative, so that no nesting reaches JavaScript's stack.
 */
export function parseGoJson(
  text: string,
  mode: GoJsonMode,
): { value: unknown; end: number; literals: NumberLiterals } | { error: string; completion?: string } {
  const literals: NumberLiterals = new WeakMap();
  let literal: string | undefined;
  const remember = (container: object, at: string | number) => {
    if (literal === undefined) return;
    const byKey = literals.get(container) ?? new Map<string | number, string>();
    literals.set(container, byKey);
    byKey.set(at, literal);
  };
  const eof = mode === "decoder" ? "unexpected EOF" : "unexpected end of JSON input";
  let i = 0;
  const fail = (what: string): never => {
    if (i >= text.length) throw new GoSyntaxError(eof);
    throw new GoSyntaxError(`invalid character ${quoteChar(text[i]!)} ${what}`);
  };
  const space = () => {
    while (isSpace(text[i])) i++;
  };
  const digits = (what: string) => {
    if (!isDigit(text[i])) fail(what);
    while (isDigit(text[i])) i++;
  };
  const word = (word: string) => {
    for (const expected of word) {
      if (text[i] !== expected) fail(`in literal ${word} (expecting ${quoteChar(expected)})`);
      i++;
    }
  };
  const string = (): string => {
    const start = i;
    i++;
    let escaped = false;
    for (;;) {
      if (i >= text.length) fail("");
      const c = text[i]!;
      if (c === '"') break;
      if (c < " ") fail("in string literal");
      i++;
      if (c !== "\\") continue;
      escaped = true;
      const e = text[i];
      if (e !== undefined && '"\\/bfnrt'.includes(e)) {
        i++;
        continue;
      }
      if (e !== "u") fail("in string escape code");
      i++;
      for (let n = 0; n < 4; n++) {
        if (!isHex(text[i])) fail("in \\u hexadecimal character escape");
        i++;
      }
    }
    i++;
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
  };
  const number = (): number => {
    const start = i;
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else digits("in numeric literal");
    if (text[i] === ".") {
      i++;
      digits("after decimal point in numeric literal");
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      digits("in exponent of numeric literal");
    }
    literal = text.slice(start, i);
    return Number(literal);
  };
  const key = (): string => {
    at = "other";
    space();
    if (text[i] !== '"') fail("looking for beginning of object key string");
    const k = string();
    space();
    if (text[i] !== ":") fail("after object key");
    i++;
    return k;
  };

  const stack: Container[] = [];
  // Where a cut-short text stopped: in a value's string, where a value was due, or elsewhere.
  let at: "value" | "value-string" | "other" = "other";
  const open = () => {
    if (stack.length >= MAX_NESTING_DEPTH) fail("exceeded max depth");
    i++;
    space();
  };
  try {
    for (;;) {
      // A value starts here; containers are pushed, and a finished value climbs up the stack.
      at = "value";
      space();
      const c = text[i];
      let value: unknown;
      literal = undefined;
      if (c === "{") {
        open();
        if (text[i] === "}") {
          i++;
          value = {};
        } else {
          stack.push({ object: {}, key: key() });
          continue;
        }
      } else if (c === "[") {
        open();
        if (text[i] === "]") {
          i++;
          value = [];
        } else {
          stack.push({ array: [] });
          continue;
        }
      } else if (c === '"') {
        at = "value-string";
        value = string();
      } else if (c === "-" || isDigit(c)) value = number();
      else if (c === "t") {
        word("true");
        value = true;
      } else if (c === "f") {
        word("false");
        value = false;
      } else if (c === "n") {
        word("null");
        value = null;
      } else fail("looking for beginning of value");

      at = "other";
      let next = false;
      while (!next) {
        const top = stack.at(-1);
        if (!top) {
          const end = i;
          if (mode === "unmarshal") {
            space();
            if (i < text.length) fail("after top-level value");
          }
          return { value, end, literals };
        }
        space();
        if ("array" in top) {
          remember(top.array, top.array.length);
          top.array.push(value);
          if (text[i] === ",") {
            i++;
            next = true;
          } else if (text[i] === "]") {
            i++;
            stack.pop();
            value = top.array;
            literal = undefined;
          } else fail("after array element");
        } else {
          remember(top.object, top.key);
          setKey(top.object, top.key, value);
          if (text[i] === ",") {
            i++;
            top.key = key();
            next = true;
          } else if (text[i] === "}") {
            i++;
            stack.pop();
            value = top.object;
            literal = undefined;
          } else fail("after object key:value pair");
        }
      }
    }
  } catch (error) {
    if (error instanceof GoSyntaxError && i >= text.length && at !== "other") {
      const closers = stack
        .map((c) => ("array" in c ? "]" : "}"))
        .reverse()
        .join("");
      return { error: error.message, completion: `${at === "value" ? "null" : '"'}${closers}` };
    }
    if (error instanceof GoSyntaxError) return { error: error.message };
    throw error;
  }
}

/** Where the first JSON value in `text` ends, or the syntax error Go reports for it. */
export function scanJson(text: string, mode: GoJsonMode): ScanResult {
  const parsed = parseGoJson(text, mode);
  return "error" in parsed ? { error: parsed.error } : { end: parsed.end };
}

/** The kind of JSON value Go names in "cannot unmarshal X into ...". */
export function goKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "boolean") return "bool";
  return typeof value === "object" ? "object" : typeof value;
}

const BASE64 = /^[A-Za-z0-9+/]$/;

/**
 * Where Go's padded base64 decoder (what a JSON `[]byte` field uses) gives up on `text`, as the
 * offset in "illegal base64 data at input byte N", or undefined when it decodes.
 */
export function base64ErrorOffset(text: string): number | undefined {
  const newline = (c: string | undefined) => c === "\n" || c === "\r";
  let i = 0;
  while (i < text.length) {
    let read = 0;
    while (read < 4) {
      if (i >= text.length) return read === 0 ? undefined : i - read;
      const c = text[i]!;
      if (newline(c)) {
        i++;
        continue;
      }
      if (c === "=") {
        if (read < 2) return i;
        i++;
        if (read === 2) {
          while (newline(text[i])) i++;
          if (i >= text.length) return text.length;
          if (text[i] !== "=") return i - 1;
          i++;
        }
        while (newline(text[i])) i++;
        return i < text.length ? i : undefined;
      }
      if (!BASE64.test(c)) return i;
      read++;
      i++;
    }
  }
  return undefined;
}
