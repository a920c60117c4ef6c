import { SocketTransport } from "../socket-transport.js";
import type { StageTimeouts } from "../transport.js";
import { connectNet } from "./connect-net.js";

export const DEFAULT_SOCKET_PATH = "/var/run/docker.sock";

export interface UnixSocketTransportOptions {
  /** Defaults to /var/run/docker.sock. */
  socketPath?: string;
  connections?: number;
  timeout?: StageTimeouts;
}

/** Talks to a local engine over its unix socket. */
export class UnixSocketTransport extends SocketTransport {
  constructor(options: UnixSocketTransportOptions = {}) {
    const path = options.socketPath ?? DEFAULT_SOCKET_PATH;
    const endpoint = `unix://${path}`;
    super({
      endpoint,
      openSocket: () => connectNet({ path }, endpoint),
      connections: options.connections,
      timeout: options.timeout,
    });
  }
}
