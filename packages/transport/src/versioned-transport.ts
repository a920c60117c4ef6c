import { compareApiVersions, NEWEST_API_VERSION, OLDEST_API_VERSION } from "@flotilla/types";
import { VersionError } from "./errors.js";
import type { Transport, TransportRequest, TransportResponse } from "./transport.js";
import { ForwardingTransport } from "./wrap.js";

export interface ApiVersionOptions {
  /** Pins the version and skips negotiation; DOCKER_API_VERSION does the same. */
  version?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

const VERSION = /^\d+\.\d+$/;
/** On Symbol.for, so that a second installed copy of this package still recognises it. */
const VERSIONED: unique symbol = Symbol.for("flotilla.transport.versioned") as never;
const VERSIONED_PATH = /^\/v\d+\.\d+\//;

/**
 * Prefixes every path with the API version: a pinned one, or else the lower of the engine's
 * (from its first `GET /_ping`) and the newest Flotilla describes, as the docker CLI negotiates.
 */
export class VersionedTransport extends ForwardingTransport {
  readonly [VERSIONED] = true;
  readonly #pinned: string | undefined;
  #negotiating: Promise<string> | undefined;
  #version: string | undefined;

  constructor(inner: Transport, options: ApiVersionOptions = {}) {
    super(inner);
    const pinned = options.version ?? (options.env ?? process.env).DOCKER_API_VERSION;
    if (pinned !== undefined && pinned !== "") {
      this.#pinned = checkPinned(pinned);
      this.#version = this.#pinned;
    }
  }

  /** The version in use: pinned, or negotiated; undefined until the first request negotiates it. */
  get apiVersion(): string | undefined {
    return this.#version;
  }

  /** Negotiates now (once; concurrent callers share one ping, a failed ping is retried next time). */
  negotiate(): Promise<string> {
    if (this.#version !== undefined) return Promise.resolve(this.#version);
    this.#negotiating ??= this.#ping().then(
      (version) => {
        this.#version = version;
        return version;
      },
      (error: unknown) => {
        this.#negotiating = undefined;
        throw error;
      },
    );
    return this.#negotiating;
  }

  override request(request: TransportRequest): Promise<TransportResponse> {
    // Not async: once the version is known, the inner request's promise is handed straight back.
    try {
      if (request.path.startsWith("/v") && VERSIONED_PATH.test(request.path)) {
        return this.inner.request(request);
      }
      const version = this.#version;
      if (version !== undefined)
        return this.inner.request({ ...request, path: `/v${version}${request.path}` });
    } catch (error) {
      return Promise.reject(error);
    }
    return this.negotiate().then((negotiated) =>
      this.inner.request({ ...request, path: `/v${negotiated}${request.path}` }),
    );
  }

  async #ping(): Promise<string> {
    const response = await this.inner.request({ method: "GET", path: "/_ping" });
    await response.cancel();
    // An engine that sends no API-Version predates negotiation: the docker CLI assumes 1.24 then.
    const engine = response.headers["api-version"] || OLDEST_API_VERSION;
    if (!VERSION.test(engine)) throw new VersionError(`the engine reported API version "${engine}"`, engine);
    if (compareApiVersions(engine, OLDEST_API_VERSION) < 0) {
      throw new VersionError(
        `the engine speaks API ${engine}; Flotilla needs ${OLDEST_API_VERSION} or newer (Docker 1.12+): upgrade the engine`,
        engine,
      );
    }
    return compareApiVersions(engine, NEWEST_API_VERSION) < 0 ? engine : NEWEST_API_VERSION;
  }
}

function checkPinned(version: string): string {
  const bare = version.replace(/^v/, "");
  if (!VERSION.test(bare)) throw new VersionError(`"${version}" is not an API version such as 1.41`);
  if (compareApiVersions(bare, OLDEST_API_VERSION) < 0) {
    throw new VersionError(`API ${bare} is older than ${OLDEST_API_VERSION}, the oldest Flotilla speaks`);
  }
  return bare;
}

/** Whether `transport` negotiates versions itself (by brand, not instanceof: see VERSIONED). */
export function isVersionedTransport(transport: Transport): transport is VersionedTransport {
  return (transport as unknown as Record<symbol, unknown>)[VERSIONED] === true;
}

/** Wraps any transport with version negotiation. */
export function withApiVersion(transport: Transport, options?: ApiVersionOptions): VersionedTransport {
  return new VersionedTransport(transport, options);
}
