import { jsonLines } from "@flotilla/transport";
import type { EventMessage, SystemInfo, SystemVersion } from "@flotilla/types";
import { filtersQuery } from "../filters.js";
import { toUnixSeconds } from "../logs.js";
import type { RawApi } from "../raw.js";

export interface EventOptions {
  since?: Date | number | string;
  /** Without `until` the stream runs until the signal fires or the loop breaks. */
  until?: Date | number | string;
  /** e.g. `{ type: "service", service: "web", event: "update" }`. */
  filters?: Record<string, string | readonly string[]>;
  signal?: AbortSignal;
}

function timeQuery(value: Date | number | string | undefined, option: string): string | undefined {
  return value === undefined ? undefined : String(toUnixSeconds(value, option));
}

export class System {
  readonly #api: RawApi;

  constructor(api: RawApi) {
    this.#api = api;
  }

  /** The engine's answer to `GET /_ping`: `"OK"`. */
  async ping(): Promise<string> {
    return String(await this.#api.raw("GET /_ping"));
  }

  version(): Promise<SystemVersion> {
    return this.#api.raw("GET /version");
  }

  info(): Promise<SystemInfo> {
    return this.#api.raw("GET /info");
  }

  /** The engine's events as they happen; break out of the loop (or abort) to stop. */
  events(options: EventOptions = {}): AsyncIterable<EventMessage> {
    const api = this.#api;
    return {
      async *[Symbol.asyncIterator]() {
        const query = {
          since: timeQuery(options.since, "since"),
          until: timeQuery(options.until, "until"),
          filters: filtersQuery(options.filters),
        };
        const response = await api.rawResponse("GET /events", { query, signal: options.signal });
        try {
          yield* jsonLines<EventMessage>(response.stream());
        } finally {
          await response.cancel();
        }
      },
    };
  }
}
