// `@flotilla/transport/internal`: the building blocks the other Flotilla packages share (the socket
// exchange, response and frame plumbing, endpoint parsing, context files). They may change in any
// release; programs use the main entry.

export { DEFAULT_PIPE_PATH, pipePathFromHost } from "./adapters/named-pipe.js";
export { BaseTransport, DEFAULT_TIMEOUTS, type PreparedRequest } from "./base-transport.js";
export { createTransports } from "./create-transport.js";
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
export { IterableResponse, type ResponseInit } from "./iterable-response.js";
export { withQuery } from "./query.js";
export { type OpenSocket, SocketTransport, type SocketTransportOptions } from "./socket-transport.js";
export { FrameDecoder } from "./streams/demultiplex.js";
export { ForwardingTransport } from "./wrap.js";
