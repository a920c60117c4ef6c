// The public surface: what a program needs to reach an engine. Building blocks that only other
// Flotilla packages (and fakes) need are in ./internal.ts, the `@flotilla/transport/internal` entry.

export { type FetchHandler, MemoryTransport, type MemoryTransportOptions } from "./adapters/memory.js";
export { NamedPipeTransport, type NamedPipeTransportOptions } from "./adapters/named-pipe.js";
export { SshTransport, type SshTransportOptions } from "./adapters/ssh.js";
export { TcpTransport, type TcpTransportOptions } from "./adapters/tcp.js";
export {
  readCertDirectory,
  type TlsMaterial,
  TlsTransport,
  type TlsTransportOptions,
} from "./adapters/tls.js";
export {
  DEFAULT_SOCKET_PATH,
  UnixSocketTransport,
  type UnixSocketTransportOptions,
} from "./adapters/unix-socket.js";
export {
  type CreateTransportOptions,
  createTransport,
  type OpenTransportOptions,
  openTransport,
} from "./create-transport.js";
export {
  type EndpointSource,
  type EndpointTls,
  type ResolvedEndpoint,
  type ResolveEndpointOptions,
  resolveEndpoint,
  resolveEndpoints,
} from "./endpoint/resolve-endpoint.js";
export { type Environment, environment } from "./environment.js";
export {
  AbortError,
  ApiError,
  BodyUsedError,
  ConflictError,
  ConnectionError,
  type ConnectionErrorCode,
  EndpointError,
  NotFoundError,
  NotSwarmManagerError,
  StreamFormatError,
  TimeoutError,
  type TimeoutStage,
  TransportClosedError,
  VersionError,
} from "./errors.js";
export {
  FailoverTransport,
  type FailoverTransportOptions,
  NoEndpointAnsweredError,
  UncertainWriteError,
} from "./failover-transport.js";
export { encodeFilters, type FilterValue } from "./query.js";
export { redactHeaders } from "./redact.js";
export { stackTransports, type TransportStackOptions } from "./stack-transports.js";
export {
  demultiplex,
  encodeFrame,
  isMultiplexed,
  type OutputChunk,
  rawOutput,
  type StdStream,
} from "./streams/demultiplex.js";
export { type JsonLinesOptions, jsonLines } from "./streams/json-lines.js";
export type {
  JsonValue,
  QueryValue,
  RequestBody,
  StageTimeouts,
  StreamBody,
  Transport,
  TransportRequest,
  TransportResponse,
} from "./transport.js";
export {
  type ApiVersionOptions,
  isVersionedTransport,
  VersionedTransport,
  withApiVersion,
} from "./versioned-transport.js";
export { composeTransport, type RequestStep, type TransportWrapper, wrapTransport } from "./wrap.js";
