export { type FetchHandler, MemoryTransport, type MemoryTransportOptions } from "./adapters/memory.js";
export {
  DEFAULT_PIPE_PATH,
  NamedPipeTransport,
  type NamedPipeTransportOptions,
  pipePathFromHost,
} from "./adapters/named-pipe.js";
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
export { BaseTransport, DEFAULT_TIMEOUTS, type PreparedRequest } from "./base-transport.js";
export {
  type CreateTransportOptions,
  createTransport,
  createTransports,
  type OpenTransportOptions,
  openTransport,
} from "./create-transport.js";
export {
  contextDirectoryName,
  contextHosts,
  type DockerContext,
  readDockerContext,
} from "./endpoint/context-store.js";
export {
  DEFAULT_NPIPE_HOST,
  DEFAULT_UNIX_HOST,
  type HostScheme,
  normalizeHost,
} from "./endpoint/parse-host.js";
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
export { IterableResponse, type ResponseInit } from "./iterable-response.js";
export { encodeFilters, type FilterValue, withQuery } from "./query.js";
export { redactHeaders } from "./redact.js";
export { type OpenSocket, SocketTransport, type SocketTransportOptions } from "./socket-transport.js";
export { stackTransports, type TransportStackOptions } from "./stack-transports.js";
export {
  demultiplex,
  encodeFrame,
  FrameDecoder,
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
export {
  composeTransport,
  ForwardingTransport,
  type RequestStep,
  type TransportWrapper,
  wrapTransport,
} from "./wrap.js";
