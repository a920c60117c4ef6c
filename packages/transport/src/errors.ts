import { FlotillaError } from "@flotilla/types";

// Everything the transport throws. Each class has one stable `code` (ConnectionError has one per
// cause) so callers match codes, never messages. No error keeps request headers or bodies, so
// registry credentials and keys cannot leak through logs of an error.

/** The engine answered with status >= 400; `engineMessage` is its `{"message": ...}` text. */
export class ApiError extends FlotillaError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly engineMessage: string;

  constructor(
    init: { status: number; method: string; path: string; engineMessage: string },
    code = "ERR_API",
  ) {
    super(code, `${init.method} ${init.path} failed with ${init.status}: ${init.engineMessage}`);
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.engineMessage = init.engineMessage;
  }
}

export class NotFoundError extends ApiError {
  constructor(init: ConstructorParameters<typeof ApiError>[0]) {
    super(init, "ERR_NOT_FOUND");
  }
}

export class ConflictError extends ApiError {
  constructor(init: ConstructorParameters<typeof ApiError>[0]) {
    super(init, "ERR_CONFLICT");
  }
}

/** 503 because this node is not a swarm manager, or not in a swarm at all. */
export class NotSwarmManagerError extends ApiError {
  constructor(init: ConstructorParameters<typeof ApiError>[0]) {
    super(init, "ERR_NOT_SWARM_MANAGER");
  }
}

/** The engine and Flotilla share no API version, or the engine refused the one we asked for. */
export class VersionError extends FlotillaError {
  readonly engineVersion: string | undefined;

  constructor(message: string, engineVersion?: string, options?: { cause?: unknown }) {
    super("ERR_API_VERSION", message, options);
    this.engineVersion = engineVersion;
  }
}

export type TimeoutStage = "connect" | "headers" | "body";

export class TimeoutError extends FlotillaError {
  readonly stage: TimeoutStage;
  readonly ms: number;

  constructor(stage: TimeoutStage, ms: number, what: string, options?: { cause?: unknown }) {
    const during = {
      connect: "connecting",
      headers: "waiting for response headers",
      body: "reading the body",
    };
    super("ERR_TIMEOUT", `${what}: no progress for ${ms} ms while ${during[stage]}`, options);
    this.stage = stage;
    this.ms = ms;
  }
}

/** The caller's AbortSignal fired; its reason is the `cause`. */
export class AbortError extends FlotillaError {
  constructor(what: string, options?: { cause?: unknown }) {
    super("ERR_ABORTED", `${what}: aborted`, options);
  }
}

export type ConnectionErrorCode =
  | "ERR_SOCKET_NOT_FOUND"
  | "ERR_PERMISSION_DENIED"
  | "ERR_CONNECTION_REFUSED"
  | "ERR_TLS_VERIFY"
  | "ERR_TLS_CLIENT_CERT"
  | "ERR_SSH_AUTH"
  | "ERR_SSH_HOST_KEY"
  | "ERR_SSH_HOST_UNKNOWN"
  | "ERR_CONNECTION_LOST"
  | "ERR_CONNECTION";

/** Bytes could not reach the engine (or stopped reaching it); `hint` says what to do about it. */
export class ConnectionError extends FlotillaError {
  declare readonly code: ConnectionErrorCode;
  readonly endpoint: string;
  readonly hint: string;

  constructor(
    code: ConnectionErrorCode,
    init: { endpoint: string; problem: string; hint: string },
    options?: { cause?: unknown },
  ) {
    super(code, `${init.endpoint}: ${init.problem}; ${init.hint}`, options);
    this.endpoint = init.endpoint;
    this.hint = init.hint;
  }
}

/** Work was handed to a transport after `close()`. */
export class TransportClosedError extends FlotillaError {
  constructor(endpoint: string) {
    super("ERR_TRANSPORT_CLOSED", `${endpoint}: the transport is closed`);
  }
}

/** A response body was read twice. */
export class BodyUsedError extends FlotillaError {
  constructor() {
    super("ERR_BODY_USED", "the response body was already read");
  }
}

/** A stream that is not what its framing promises: garbage, or cut short mid-frame. */
export class StreamFormatError extends FlotillaError {
  constructor(message: string) {
    super("ERR_STREAM_FORMAT", message);
  }
}

/** DOCKER_HOST, a context or an option names an endpoint we cannot use as given. */
export class EndpointError extends FlotillaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_ENDPOINT", message, options);
  }
}
