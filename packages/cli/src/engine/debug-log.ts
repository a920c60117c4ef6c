import {
  redactHeaders,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from "@flotilla/transport";
import type { OutputStream } from "../io.js";

/** `--debug`: one line per request and per answer on stderr, with credentials redacted. */
export class DebugLogTransport implements Transport {
  readonly #inner: Transport;
  readonly #log: OutputStream;

  constructor(inner: Transport, log: OutputStream) {
    this.#inner = inner;
    this.#log = log;
  }

  get endpoint(): string {
    return this.#inner.endpoint;
  }

  async request(request: TransportRequest): Promise<TransportResponse> {
    const started = performance.now();
    const query =
      request.query && Object.keys(request.query).length > 0 ? ` ${JSON.stringify(request.query)}` : "";
    const headers = request.headers ? ` headers=${JSON.stringify(redactHeaders(request.headers))}` : "";
    this.#log.write(`> ${request.method} ${request.path}${query}${headers}\n`);
    try {
      const response = await this.#inner.request(request);
      this.#log.write(`< ${response.status} ${request.method} ${request.path} (${elapsed(started)})\n`);
      return response;
    } catch (error) {
      this.#log.write(
        `< failed ${request.method} ${request.path} (${elapsed(started)}): ${(error as Error).message}\n`,
      );
      throw error;
    }
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function elapsed(since: number): string {
  return `${Math.round(performance.now() - since)} ms`;
}
