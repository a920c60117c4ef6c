import { BodyUsedError, StreamFormatError } from "./errors.js";
import type { TransportResponse } from "./transport.js";

/** Where a response's body comes from; IterableResponse calls these as methods of the object. */
export interface ResponseInit {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** The body's chunks; iterated at most once. */
  body: AsyncIterable<Uint8Array>;
  /** Stops the body early and frees what holds it. */
  cancel: () => Promise<void>;
  /** Turns whatever the source throws into a transport error. */
  mapError: (error: unknown) => unknown;
  /** Reads the whole body faster than chunk by chunk, when the source can; rejects with a
   * transport error (already mapped). */
  readAll?: () => Promise<Uint8Array>;
  /** Reads the whole body as UTF-8 text without an intermediate copy, when the source can;
   * rejects with a transport error (already mapped). */
  readText?: () => Promise<string>;
}

/** A response over any chunk source, so every adapter reads bodies (and fails) the same way. */
export class IterableResponse implements TransportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  #init: ResponseInit;
  #used = false;

  constructor(init: ResponseInit) {
    this.status = init.status;
    this.headers = init.headers;
    this.#init = init;
  }

  json<T = unknown>(): Promise<T> {
    return this.text().then(parseJson<T>);
  }

  text(): Promise<string> {
    if (this.#init.readText !== undefined) return this.#readWhole(readText);
    return this.bytes().then((bytes) =>
      // A view, not a copy: the bytes are ours alone.
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"),
    );
  }

  bytes(): Promise<Uint8Array> {
    if (this.#init.readAll !== undefined) return this.#readWhole(readAll);
    return this.#collect();
  }

  stream(): AsyncIterable<Uint8Array> {
    if (this.#used) throw new BodyUsedError();
    this.#used = true;
    return mapErrors(this.#init);
  }

  /** Not async: the reader's own promise goes straight back, with no extra turns for the caller. */
  #readWhole<T>(read: (init: ResponseInit) => Promise<T>): Promise<T> {
    if (this.#used) return Promise.reject(new BodyUsedError());
    this.#used = true;
    return read(this.#init);
  }

  async #collect(): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.stream()) chunks.push(chunk);
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  async cancel(): Promise<void> {
    this.#used = true;
    await this.#init.cancel();
  }
}

function parseJson<T>(text: string): T {
  // Some endpoints answer 200 with no body at all (service delete); that is not a parse error.
  if (text === "") return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new StreamFormatError(`response body is not JSON: ${String((error as Error).message)}`);
  }
}

const readAll = (init: ResponseInit) => init.readAll!();
const readText = (init: ResponseInit) => init.readText!();

async function* mapErrors(init: ResponseInit): AsyncGenerator<Uint8Array> {
  let done = false;
  try {
    for await (const chunk of init.body) yield chunk;
    done = true;
  } catch (error) {
    throw init.mapError(error);
  } finally {
    // A consumer that breaks out early must not leave the connection half-read.
    if (!done) await init.cancel().catch(() => {});
  }
}
