import { StreamFormatError } from "../errors.js";

export interface JsonLinesOptions {
  /** A line longer than this is an error rather than unbounded memory; 16 MiB by default. */
  maxLineBytes?: number;
}

const NEWLINE = 0x0a;

function parseLine(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8").trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new StreamFormatError(`not a JSON line: ${text.slice(0, 80)}`);
  }
}

/**
 * Newline-delimited JSON (`/events`, pull and build progress) as values. Lines split across
 * chunks are joined; UTF-8 is decoded per whole line, so multi-byte characters survive any split.
 */
export async function* jsonLines<T = unknown>(
  source: AsyncIterable<Uint8Array>,
  options: JsonLinesOptions = {},
): AsyncGenerator<T> {
  const max = options.maxLineBytes ?? 16 * 1024 * 1024;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for await (const chunk of source) {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      let line = chunk.subarray(start, newline);
      if (pending.length > 0) {
        line = Buffer.concat([...pending, line]);
        pending = [];
        pendingBytes = 0;
      }
      const value = parseLine(line);
      if (value !== undefined) yield value as T;
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > max) throw new StreamFormatError(`a JSON line is longer than ${max} bytes`);
    }
  }
  if (pending.length > 0) {
    const value = parseLine(Buffer.concat(pending));
    if (value !== undefined) yield value as T;
  }
}
