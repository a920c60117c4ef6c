import { existsSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { type AddressInfo, connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { FetchHandler } from "../api/handler.js";
import { FakeSwarmError } from "../core/errors.js";
import {
  HEADER_LIMIT,
  HEADERS_TOO_LARGE,
  headBytes,
  refusalFor,
  resolveBounds,
  type ServerBounds,
} from "./bounds.js";
import { serveOne } from "./node-adapter.js";

// The fake on a real socket, so that any Docker client (the docker CLI, dockerode, docker-py,
// our own client through its unix or TLS transport) can talk to it.

export interface TlsListenOptions {
  /** PEM server key and certificate. */
  key: string | Buffer;
  cert: string | Buffer;
  /** PEM CA: when given, clients must present a certificate it signed (as `dockerd --tlsverify`). */
  ca?: string | Buffer;
}

export type ListenOptions = (
  | { socketPath: string }
  | { port?: number; host?: string; tls?: TlsListenOptions }
) & {
  /** How long a client may take to send a request (see bounds.ts); dockerd's by default. */
  bounds?: ServerBounds;
};

export interface FakeEngineServer extends AsyncDisposable {
  /** What to put in DOCKER_HOST: `unix:///path` or `tcp://127.0.0.1:port`. */
  readonly dockerHost: string;
  /** The TCP port chosen (0 asks the system for one), or undefined on a unix socket. */
  readonly port: number | undefined;
  readonly tls: boolean;
  close(): Promise<void>;
}

/**
 * Connections waiting to be accepted. Node asks for 511, so a burst of a thousand clients gets
 * EAGAIN from a unix socket; dockerd (Go) asks for the system's maximum, and so does the fake: the
 * kernel lowers this to net.core.somaxconn.
 */
const LISTEN_BACKLOG = 65_535;

export async function listen(handle: FetchHandler, options: ListenOptions): Promise<FakeEngineServer> {
  const tls = "tls" in options ? options.tls : undefined;
  const bounds = resolveBounds(options.bounds);
  const onRequest = (req: Parameters<typeof serveOne>[1], res: Parameters<typeof serveOne>[2]) => {
    // node:http counts a head a little short of Go: what it let through past Go's limit is refused here.
    if (headBytes(req) > HEADER_LIMIT) return void refuse(req.socket, HEADERS_TOO_LARGE);
    void serveOne(handle, req, res);
  };
  const serverOptions = {
    maxHeaderSize: HEADER_LIMIT,
    headersTimeout: bounds.headerTimeout,
    requestTimeout: bounds.requestTimeout,
    // Between requests on a kept-alive connection, Go waits for the next head as for the first.
    keepAliveTimeout: bounds.headerTimeout,
    connectionsCheckingInterval: bounds.checkInterval,
  };
  const server: Server = tls
    ? createTlsServer(
        {
          ...serverOptions,
          ...tls,
          requestCert: tls.ca !== undefined,
          rejectUnauthorized: tls.ca !== undefined,
        },
        onRequest,
      )
    : createServer(serverOptions, onRequest);
  // Go keeps every header a head within the limit has; node:http would drop those past 2000.
  server.maxHeadersCount = 0;
  // What node:http cannot take (a head too large, a request too slow, bytes that are no HTTP) is
  // answered as Go's server answers it, never with node's own page.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
      ?.headersSent;
    const refusal = refusalFor(error.code);
    if (refusal === undefined || started || !socket.writable) socket.destroy();
    else refuse(socket, refusal);
  });
  // Keep-alive sockets and open streams would hold close() forever: track and end them.
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const socketPath = "socketPath" in options ? options.socketPath : undefined;
  if (socketPath !== undefined) {
    // A stale socket file is replaced; a live one (a real engine's) is never taken over.
    if (await answers(socketPath)) {
      throw new FakeSwarmError(
        "ERR_FAKE_LISTEN",
        `cannot listen: ${socketPath} is in use by a running server`,
      );
    }
    rmSync(socketPath, { force: true });
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) =>
      reject(new FakeSwarmError("ERR_FAKE_LISTEN", `cannot listen: ${error.message}`, { cause: error })),
    );
    if (socketPath !== undefined) server.listen({ path: socketPath, backlog: LISTEN_BACKLOG }, resolve);
    else {
      const tcp = options as { port?: number; host?: string };
      server.listen({ port: tcp.port ?? 0, host: tcp.host ?? "127.0.0.1", backlog: LISTEN_BACKLOG }, resolve);
    }
  });
  const address = server.address();
  const port = typeof address === "object" && address ? (address as AddressInfo).port : undefined;
  const host = "host" in options && options.host ? options.host : "127.0.0.1";
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    }).then(() => {
      if (socketPath !== undefined) rmSync(socketPath, { force: true });
    });
    return closing;
  };
  return {
    dockerHost: socketPath !== undefined ? `unix://${socketPath}` : `tcp://${host}:${port}`,
    port,
    tls: tls !== undefined,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Writes Go's answer and closes the connection, as Go's server does after a refusal. */
function refuse(socket: Duplex, answer: string): void {
  socket.end(answer, () => socket.destroy());
}

/** Whether something accepts connections on a unix socket path. */
function answers(socketPath: string): Promise<boolean> {
  if (!existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}
