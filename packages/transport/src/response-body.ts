// A socket response's body as undici hands it over, chunk by chunk: kept whole for a caller that
// reads it whole (json, text, bytes), pulled with backpressure by one that streams it, or thrown
// away for one that cancels it. No stream object sits in between: most bodies are read whole.

import { AbortError } from "./errors.js";

/** Buffered before the socket is paused, while nobody reads or a stream's reader lags behind
 * (undici's own default for a body). */
const HIGH_WATER = 64 * 1024;
/** A cancelled body of a known length up to this is read to its end, so that its connection can
 * be reused; a longer one costs less to cut. */
const DISCARD_LIMIT = 128 * 1024;

const UNREAD = 0;
const WHOLE = 1;
const STREAMING = 2;
const DISCARDING = 3;

/** What the body needs from the request it belongs to. */
export interface BodyOwner {
  readonly headers: Readonly<Record<string, string>>;
  /** Turns what undici reports into a transport error. */
  mapError(error: unknown): unknown;
  /** Cuts the connection under the body. */
  abortBody(): void;
}

const RESOLVED = Promise.resolve();

export class ResponseBody implements AsyncIterable<Uint8Array> {
  /** undici's resume for a paused socket, set once the headers arrive. */
  resume: (() => void) | undefined;
  readonly #owner: BodyOwner;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #paused = false;
  #ended = false;
  #error: unknown;
  #mode = UNREAD;
  /** Whoever waits for more: a stream's reader, a whole read, or a discard. */
  #wake: (() => void) | undefined;

  constructor(owner: BodyOwner) {
    this.#owner = owner;
  }

  /** A chunk from the socket; false asks undici to pause it. */
  push(chunk: Buffer): boolean {
    if (this.#mode === DISCARDING) return true;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#mode === WHOLE) return true;
    if (this.#mode === STREAMING) this.#wakeUp();
    if (this.#buffered < HIGH_WATER) return true;
    this.#paused = true;
    return false;
  }

  end(): void {
    this.#ended = true;
    this.#wakeUp();
  }

  fail(error: unknown): void {
    this.#error = this.#owner.mapError(error);
    this.#wakeUp();
  }

  /** Rejects with a transport error. */
  bytes(): Promise<Uint8Array> {
    return this.#whole().then(() => this.#take());
  }

  /** UTF-8, a leading byte-order mark dropped (as undici's `text()` does); rejects with a transport error. */
  text(): Promise<string> {
    return this.#whole().then(() => {
      const bytes = this.#take();
      const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
      return bytes.toString("utf8", start);
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    this.#mode = STREAMING;
    try {
      for (;;) {
        const chunk = this.#chunks.shift();
        if (chunk !== undefined) {
          this.#buffered -= chunk.length;
          if (this.#buffered < HIGH_WATER) this.#unpause();
          yield chunk;
          continue;
        }
        if (this.#error !== undefined) throw this.#error;
        if (this.#ended || this.#mode !== STREAMING) return;
        this.#unpause();
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
      }
    } finally {
      // A reader that leaves early may be on an endless stream (events, followed logs): cut it.
      if (!this.#ended && this.#error === undefined) this.#owner.abortBody();
    }
  }

  /**
   * Drops the body. The rest of one whose length is known and short is read, so that the
   * connection stays usable; any other (possibly endless, as events and followed logs are) is cut.
   */
  discard(): Promise<void> {
    this.#chunks = [];
    this.#buffered = 0;
    if (this.#ended || this.#error !== undefined) return RESOLVED;
    // A whole read still waiting must not resolve with a body cut short: it fails. A stream's
    // reader waiting now sees the body gone and ends.
    if (this.#mode === WHOLE) this.#error = new AbortError("reading the response body (cancelled)");
    this.#mode = DISCARDING;
    this.#wakeUp();
    return new Promise((resolve) => {
      this.#wake = resolve;
      const length = Number(this.#owner.headers["content-length"]);
      if (length <= DISCARD_LIMIT) this.#unpause();
      else this.#owner.abortBody();
    });
  }

  /** Settles once the whole body is here. Small bodies usually are before the caller asks. */
  #whole(): Promise<void> {
    this.#mode = WHOLE;
    if (this.#ended) return RESOLVED;
    if (this.#error !== undefined) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => {
      this.#wake = () => (this.#error === undefined ? resolve() : reject(this.#error));
      this.#unpause();
    });
  }

  #take(): Buffer {
    const chunks = this.#chunks;
    this.#chunks = [];
    if (chunks.length === 1) return chunks[0]!;
    return chunks.length === 0 ? Buffer.alloc(0) : Buffer.concat(chunks, this.#buffered);
  }

  #unpause(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.resume?.();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
