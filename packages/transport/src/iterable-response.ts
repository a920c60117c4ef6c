import { BodyUsedError, StreamFormatError } from "./errors.js";
import type { TransportResponse } from "./transport.js";

export interface ResponseInit {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** The body's chunks; iterated at most once. */
  body: AsyncIterable<Uint8Array>;
  /** Stops the body early and frees what holds it. */
  cancel: () => Promise<void>;
  /** Turns whatever the source throws into a transport error. */
  mapError: (error: unknown) => unknown;
  /** Reads the whole body faster than chunk by chunk, when the source can. */
  readAll?: () => Promise<Uint8Array>;
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

  async json<T = unknown>(): Promise<T> {
    const text = await this.text();
    // Some endpoints answer 200 with no body at all (service delete); that is not a parse error.
    if (text === "") return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new StreamFormatError(`response body is not JSON: ${String((error as Error).message)}`);
    }
  }

  async text(): Promise<string> {
    return Buffer.from(await this.bytes()).toString("utf8");
  }

  async bytes(): Promise<Uint8Array> {
    const readAll = this.#init.readAll;
    if (readAll) {
      if (this.#used) throw new BodyUsedError();
      this.#used = true;
      return readAll().catch((error: unknown) => {
        throw this.#init.mapError(error);
      });
    }
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.stream()) chunks.push(chunk);
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  stream(): AsyncIterable<Uint8Array> {
    if (this.#used) throw new BodyUsedError();
    this.#used = true;
    return mapErrors(this.#init);
  }

  async cancel(): Promise<void> {
    this.#used = true;
    await this.#init.cancel();
  }
}

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
