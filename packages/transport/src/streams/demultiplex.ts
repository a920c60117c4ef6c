import { StreamFormatError } from "../errors.js";

// The engine's multiplexed stream (attach, logs and exec without a TTY): frames of an 8-byte
// header (stream id, three zero bytes, payload length as uint32 big-endian) and the payload.

export type StdStream = "stdin" | "stdout" | "stderr" | "system";

/** Part of the output of one stream; consecutive frames of one stream may arrive joined. */
export interface OutputChunk {
  stream: StdStream;
  data: Uint8Array;
}

const STREAMS: readonly StdStream[] = ["stdin", "stdout", "stderr", "system"];
const HEADER = 8;

/** One frame as the engine writes it; for fakes and tests. */
export function encodeFrame(stream: StdStream, data: Uint8Array): Uint8Array {
  const frame = Buffer.allocUnsafe(HEADER + data.length);
  frame.writeUInt32BE(0, 0);
  frame[0] = STREAMS.indexOf(stream);
  frame.writeUInt32BE(data.length, 4);
  frame.set(data, HEADER);
  return frame;
}

/**
 * Incremental frame decoder: feed chunks split anywhere, get payloads back without copying them
 * (a payload inside one chunk is a view of it). Holds at most one 8-byte header between chunks.
 */
export class FrameDecoder {
  readonly #header = Buffer.alloc(HEADER);
  #headerFill = 0;
  #stream = 0;
  #remaining = 0;

  /** Decodes one chunk; throws StreamFormatError on a header no engine writes. */
  push(chunk: Uint8Array): OutputChunk[] {
    const out: OutputChunk[] = [];
    let run: Uint8Array[] = [];
    let runStream = -1;
    const flush = () => {
      if (run.length === 0) return;
      out.push({ stream: STREAMS[runStream]!, data: run.length === 1 ? run[0]! : Buffer.concat(run) });
      run = [];
    };
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#remaining === 0) {
        if (this.#headerFill === 0 && chunk.length - offset >= HEADER) {
          this.#readHeader(chunk, offset);
          offset += HEADER;
        } else {
          const take = Math.min(HEADER - this.#headerFill, chunk.length - offset);
          this.#header.set(chunk.subarray(offset, offset + take), this.#headerFill);
          this.#headerFill += take;
          offset += take;
          if (this.#headerFill < HEADER) break;
          this.#headerFill = 0;
          this.#readHeader(this.#header, 0);
        }
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - offset);
      if (this.#stream !== runStream) {
        flush();
        runStream = this.#stream;
      }
      run.push(chunk.subarray(offset, offset + take));
      offset += take;
      this.#remaining -= take;
    }
    flush();
    return out;
  }

  /** Call when the source ends: a frame cut short is an error, not silently lost output. */
  end(): void {
    if (this.#headerFill > 0 || this.#remaining > 0) {
      const missing =
        this.#remaining > 0
          ? `${this.#remaining} payload bytes`
          : `${HEADER - this.#headerFill} header bytes`;
      throw new StreamFormatError(`the multiplexed stream ended mid-frame (${missing} missing)`);
    }
  }

  #readHeader(bytes: Uint8Array, at: number): void {
    const id = bytes[at]!;
    if (id > 3 || bytes[at + 1] !== 0 || bytes[at + 2] !== 0 || bytes[at + 3] !== 0) {
      throw new StreamFormatError(
        `not a multiplexed stream (frame header starts ${Buffer.from(bytes.subarray(at, at + 4)).toString("hex")}); ` +
          "output of a container with a TTY is raw: read it with rawOutput()",
      );
    }
    this.#stream = id;
    this.#remaining =
      ((bytes[at + 4]! << 24) | (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!) >>> 0;
  }
}

/** Splits a multiplexed body into stdout/stderr chunks, pulling only as fast as it is consumed. */
export async function* demultiplex(source: AsyncIterable<Uint8Array>): AsyncGenerator<OutputChunk> {
  const decoder = new FrameDecoder();
  for await (const chunk of source) {
    for (const piece of decoder.push(chunk)) yield piece;
  }
  decoder.end();
}

/** Output of a container with a TTY: one unframed stream, reported as stdout. */
export async function* rawOutput(source: AsyncIterable<Uint8Array>): AsyncGenerator<OutputChunk> {
  for await (const data of source) yield { stream: "stdout", data };
}

/**
 * Whether a response is framed, from its Content-Type (engines 1.42+ say so; older ones send
 * raw-stream for both, and the caller must know whether the container has a TTY).
 */
export function isMultiplexed(headers: Readonly<Record<string, string>>): boolean | undefined {
  const type = headers["content-type"] ?? "";
  if (type.includes("multiplexed-stream")) return true;
  if (type.includes("raw-stream")) return undefined;
  return undefined;
}
