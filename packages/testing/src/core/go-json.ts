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

/** Where the first JSON value in `text` ends, or the syntax error Go reports for it. */
export function scanJson(text: string, mode: GoJsonMode): ScanResult {
  const eof = mode === "decoder" ? "unexpected EOF" : "unexpected end of JSON input";
  let i = 0;
  const fail = (what: string): never => {
    if (i >= text.length) throw new GoSyntaxError(eof);
    throw new GoSyntaxError(`invalid character ${quoteChar(text[i]!)} ${what}`);
  };
  const space = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const digits = (what: string) => {
    if (!/[0-9]/.test(text[i] ?? "")) fail(what);
    while (/[0-9]/.test(text[i] ?? "")) i++;
  };

  const literal = (word: string) => {
    for (const expected of word) {
      if (text[i] !== expected) fail(`in literal ${word} (expecting ${quoteChar(expected)})`);
      i++;
    }
  };

  const stringEscape = () => {
    const c = text[i];
    if (c !== undefined && '"\\/bfnrt'.includes(c)) {
      i++;
      return;
    }
    if (c !== "u") fail("in string escape code");
    i++;
    for (let n = 0; n < 4; n++) {
      if (!/[0-9a-fA-F]/.test(text[i] ?? "")) fail("in \\u hexadecimal character escape");
      i++;
    }
  };

  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail("");
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c < " ") fail("in string literal");
      i++;
      if (c === "\\") stringEscape();
    }
  };

  const number = () => {
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
  };

  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") object();
    else if (c === "[") array();
    else if (c === '"') string();
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) number();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else fail("looking for beginning of value");
  };

  const object = () => {
    i++;
    space();
    if (text[i] === "}") {
      i++;
      return;
    }
    for (;;) {
      space();
      if (text[i] !== '"') fail("looking for beginning of object key string");
      string();
      space();
      if (text[i] !== ":") fail("after object key");
      i++;
      value();
      space();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") {
        i++;
        return;
      }
      fail("after object key:value pair");
    }
  };

  const array = () => {
    i++;
    space();
    if (text[i] === "]") {
      i++;
      return;
    }
    for (;;) {
      value();
      space();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "]") {
        i++;
        return;
      }
      fail("after array element");
    }
  };

  try {
    value();
    const end = i;
    if (mode === "unmarshal") {
      space();
      if (i < text.length) fail("after top-level value");
    }
    return { end };
  } catch (error) {
    if (error instanceof GoSyntaxError) return { error: error.message };
    throw error;
  }
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
