import { readFileSync } from "node:fs";
import {
  type EndpointTls,
  type ResolvedEndpoint,
  resolveEndpoints,
  stackTransports,
  type Transport,
  UnixSocketTransport,
} from "@flotilla/transport";
import { UsageError } from "../errors.js";
import type { CliIo } from "../io.js";
import { debugLog } from "./debug-log.js";
import type { GlobalOptions } from "./global-options.js";

// Global options → endpoint → transport. The local socket, what nearly every run uses, is opened
// directly; TCP+TLS and SSH adapters are imported only when an endpoint needs them, so their
// dependencies (ssh2 above all) cost nothing at start-up.

export async function openTransport(options: GlobalOptions, io: CliIo): Promise<Transport> {
  const adapters = io.transport ? [io.transport] : await connect(options, io);
  return stackTransports(adapters, {
    wrappers: options.debug ? [debugLog(io.stderr)] : [],
    // The fake swarm and a test's transport are already versioned or speak any version.
    apiVersion: io.transport && !options.apiVersion ? false : { version: options.apiVersion, env: io.env },
  });
}

/** One adapter per endpoint; a context may name several managers, used one at a time. */
async function connect(options: GlobalOptions, io: CliIo): Promise<Transport[]> {
  const context = options.context ?? options.grid;
  if (options.host && context) throw new UsageError("--host and --context cannot be used together");
  const env = {
    ...io.env,
    ...(options.tlsverify && { DOCKER_TLS_VERIFY: "1" }),
    ...(options.tls && { DOCKER_TLS: "1" }),
  };
  const endpoints = resolveEndpoints({ host: options.host, context, environment: { env } }).map((endpoint) =>
    withTlsFiles(endpoint, options),
  );
  if (options.debug) {
    const hosts = endpoints.map((e) => e.host).join(", ");
    io.stderr.write(`flotilla: endpoint ${hosts} (from ${endpoints[0]!.source})\n`);
  }
  const allowedBy = plainTcpAllowedBy(options, io.env);
  for (const endpoint of endpoints) {
    if (endpoint.scheme !== "tcp" || endpoint.tls) continue;
    if (!allowedBy) throw new UsageError(plainTcpRefusal(endpoint));
    io.stderr.write(`flotilla: warning: ${plainTcpRisk(endpoint, allowedBy)}\n`);
  }
  return Promise.all(endpoints.map((endpoint) => connectTo(endpoint, env, allowedBy !== undefined)));
}

async function connectTo(
  endpoint: ResolvedEndpoint,
  env: Record<string, string | undefined>,
  allowPlainTcp: boolean,
): Promise<Transport> {
  if (endpoint.scheme === "unix")
    return new UnixSocketTransport({ socketPath: endpoint.host.slice("unix://".length) });
  const { createTransport } = await import("./remote-transport.js");
  return createTransport(endpoint, { environment: { env }, allowPlainTcp });
}

// Plain TCP (an engine on tcp://HOST:2375 without --tlsverify) is refused unless asked for, by
// --allow-plain-tcp or FLOTILLA_ALLOW_PLAIN_TCP=1. The docker CLI has no such switch (it connects
// and says nothing), so the variable is ours; the check comes before any connection is made.
export const PLAIN_TCP_VARIABLE = "FLOTILLA_ALLOW_PLAIN_TCP";

/** What allowed plain TCP, for the warning; undefined when nothing did. */
function plainTcpAllowedBy(
  options: GlobalOptions,
  env: Record<string, string | undefined>,
): string | undefined {
  if (options.allowPlainTcp) return "--allow-plain-tcp";
  const value = (env[PLAIN_TCP_VARIABLE] ?? "").trim().toLowerCase();
  if (value === "" || value === "0" || value === "false") return undefined;
  if (value === "1" || value === "true") return `${PLAIN_TCP_VARIABLE}=${env[PLAIN_TCP_VARIABLE]}`;
  throw new UsageError(`${PLAIN_TCP_VARIABLE}: "${env[PLAIN_TCP_VARIABLE]}" is not 1, true, 0 or false`);
}

function plainTcpRefusal(endpoint: ResolvedEndpoint): string {
  return (
    `${endpoint.host} (from ${whereFrom(endpoint)}) is plain TCP: no TLS, so the engine cannot be verified and ` +
    "anyone who can reach the port controls it. Use TLS (--tlsverify with --tlscacert, --tlscert and --tlskey, " +
    `or DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH), or on a trusted network pass --allow-plain-tcp (or set ${PLAIN_TCP_VARIABLE}=1)`
  );
}

/** Where the endpoint was named, in the CLI's words. */
function whereFrom(endpoint: ResolvedEndpoint): string {
  if (endpoint.context && endpoint.context !== "default") return `context "${endpoint.context}"`;
  return endpoint.source === "option" ? "-H" : endpoint.source;
}

function plainTcpRisk(endpoint: ResolvedEndpoint, allowedBy: string): string {
  return (
    `${endpoint.host} is plain TCP (${allowedBy}): requests, secrets included, cross the network unencrypted, ` +
    "the engine is not verified, and anyone who can reach that port has root on its host through the engine"
  );
}

/** --tlscacert, --tlscert and --tlskey name files one by one, as the docker CLI's flags do. */
function withTlsFiles(endpoint: ResolvedEndpoint, options: GlobalOptions): ResolvedEndpoint {
  const named = options.tlscacert || options.tlscert || options.tlskey;
  if (!named && !options.tls && !options.tlsverify) return endpoint;
  if (endpoint.scheme !== "tcp") {
    throw new UsageError(`TLS options apply to tcp:// endpoints; ${endpoint.host} is ${endpoint.scheme}`);
  }
  const read = (path: string | undefined) => (path ? readFileSync(path) : undefined);
  const tls: EndpointTls = {
    verify: Boolean(options.tlsverify || options.tlscacert) || (endpoint.tls?.verify ?? false),
    ca: read(options.tlscacert) ?? endpoint.tls?.ca,
    cert: read(options.tlscert) ?? endpoint.tls?.cert,
    key: read(options.tlskey) ?? endpoint.tls?.key,
    from: named ? "--tls options" : (endpoint.tls?.from ?? "--tls"),
  };
  return { ...endpoint, tls };
}
