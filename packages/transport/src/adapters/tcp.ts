import { SocketTransport } from "../socket-transport.js";
import type { StageTimeouts } from "../transport.js";
import { authority } from "./authority.js";
import { connectNet } from "./connect-net.js";

export interface TcpTransportOptions {
  host: string;
  /** 2375, the engine's plain-HTTP port, by default. */
  port?: number;
  connections?: number;
  timeout?: StageTimeouts;
}

/**
 * Plain HTTP over TCP: anyone on the network can drive the engine, so endpoint resolution only
 * picks this when asked explicitly (see `allowPlainTcp`); `TlsTransport` is the normal choice.
 */
export class TcpTransport extends SocketTransport {
  constructor(options: TcpTransportOptions) {
    const port = options.port ?? 2375;
    const endpoint = `tcp://${authority(options.host, port)}`;
    super({
      endpoint,
      authority: authority(options.host, port),
      openSocket: () => connectNet({ host: options.host, port }, endpoint),
      connections: options.connections,
      timeout: options.timeout,
    });
  }
}
