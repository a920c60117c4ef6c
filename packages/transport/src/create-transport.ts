import { NamedPipeTransport, pipePathFromHost } from "./adapters/named-pipe.js";
import { SshTransport, type SshTransportOptions } from "./adapters/ssh.js";
import { TcpTransport } from "./adapters/tcp.js";
import { TlsTransport } from "./adapters/tls.js";
import { UnixSocketTransport } from "./adapters/unix-socket.js";
import {
  type ResolvedEndpoint,
  type ResolveEndpointOptions,
  resolveEndpoints,
} from "./endpoint/resolve-endpoint.js";
import type { Environment } from "./environment.js";
import { EndpointError } from "./errors.js";
import type { FailoverTransportOptions } from "./failover-transport.js";
import { stackTransports } from "./stack-transports.js";
import type { StageTimeouts, Transport } from "./transport.js";
import type { VersionedTransport } from "./versioned-transport.js";

export interface CreateTransportOptions {
  /** Plain HTTP over TCP lets anyone on the network drive the engine; it must be asked for. */
  allowPlainTcp?: boolean;
  connections?: number;
  timeout?: StageTimeouts;
  /** Keys, known_hosts and the like for ssh:// endpoints. */
  ssh?: Omit<SshTransportOptions, "host" | "port" | "user" | "timeout" | "connections">;
  environment?: Partial<Environment>;
}

/** The adapter for a resolved endpoint. */
export function createTransport(endpoint: ResolvedEndpoint, options: CreateTransportOptions = {}): Transport {
  const common = { connections: options.connections, timeout: options.timeout };
  switch (endpoint.scheme) {
    case "unix":
      return new UnixSocketTransport({ socketPath: endpoint.host.slice("unix://".length), ...common });
    case "npipe":
      return new NamedPipeTransport({ pipePath: pipePathFromHost(endpoint.host), ...common });
    case "tcp": {
      const url = new URL(endpoint.host.replace(/^tcp:/, "http:"));
      const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
      const port = Number(url.port);
      if (endpoint.tls) return new TlsTransport({ host, port, ...endpoint.tls, ...common });
      if (options.allowPlainTcp) return new TcpTransport({ host, port, ...common });
      throw new EndpointError(
        `${endpoint.host} (from ${endpoint.source}) is plain TCP, which gives anyone on the network control of ` +
          "the engine: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or pass allowPlainTcp: true on a trusted network",
      );
    }
    case "ssh": {
      const url = new URL(endpoint.host);
      if (url.password !== "") {
        throw new EndpointError(
          `ssh://${url.username}@${url.host}: passwords in ssh URLs are not supported; use a key`,
        );
      }
      if (url.pathname !== "" && url.pathname !== "/") {
        throw new EndpointError(`ssh://${url.username}@${url.host}: a path in an ssh URL is not supported`);
      }
      return new SshTransport({
        ...options.ssh,
        environment: options.ssh?.environment ?? options.environment,
        host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
        port: url.port ? Number(url.port) : undefined,
        user: url.username ? decodeURIComponent(url.username) : undefined,
        ...common,
      });
    }
  }
}

export interface OpenTransportOptions extends ResolveEndpointOptions, CreateTransportOptions {
  /** Pins the API version (as DOCKER_API_VERSION does) instead of negotiating. */
  apiVersion?: string;
  /** How several endpoints (`hosts`, or a context with several) take over from each other. */
  failover?: FailoverTransportOptions;
}

/** One endpoint's adapter, or a FailoverTransport over several. */
export function createTransports(
  endpoints: readonly ResolvedEndpoint[],
  options: CreateTransportOptions & { failover?: FailoverTransportOptions } = {},
): Transport {
  return stackTransports(
    endpoints.map((endpoint) => createTransport(endpoint, options)),
    { failover: options.failover, apiVersion: false },
  );
}

/**
 * Resolves the endpoint as the docker CLI would (or takes `hosts`), opens its adapter (a
 * FailoverTransport when there are several), and negotiates the API version.
 */
export function openTransport(options: OpenTransportOptions = {}): VersionedTransport {
  const adapters = resolveEndpoints(options).map((endpoint) => createTransport(endpoint, options));
  return stackTransports(adapters, {
    failover: options.failover,
    apiVersion: { version: options.apiVersion, env: options.environment?.env },
  });
}
