import { join } from "node:path";
import { type Environment, environment, expandHome } from "../environment.js";
import { EndpointError } from "../errors.js";
import { type DockerContext, readCurrentContext, readDockerContext } from "./context-store.js";
import { DEFAULT_NPIPE_HOST, DEFAULT_UNIX_HOST, type HostScheme, normalizeHost } from "./parse-host.js";

/** Which setting chose the endpoint, in the order the docker CLI consults them. */
export type EndpointSource = "option" | "DOCKER_HOST" | "DOCKER_CONTEXT" | "config" | "default";

export interface EndpointTls {
  verify: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Where the files came from, for messages. */
  from: string;
}

export interface ResolvedEndpoint {
  /** Normalised: `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host`, `npipe://...`. */
  host: string;
  scheme: HostScheme;
  source: EndpointSource;
  /** The context that supplied the host, when one did. */
  context: string | undefined;
  tls: EndpointTls | undefined;
  /** A context's hosts when it names several (the first is `host`), for resolveEndpoints. */
  contextHosts?: string[];
}

export interface ResolveEndpointOptions {
  /** Like `docker -H`: wins over everything. */
  host?: string;
  /** Several managers of one swarm, tried in order (see FailoverTransport); wins like `host`. */
  hosts?: readonly string[];
  /** Like `docker --context`. */
  context?: string;
  environment?: Partial<Environment>;
}

/**
 * Finds the engine as the docker CLI does: the explicit host or context, then DOCKER_HOST, then
 * DOCKER_CONTEXT, then `currentContext` in $DOCKER_CONFIG/config.json, then the default socket.
 * `source` says which won, so a CLI can tell the user.
 */
export function resolveEndpoint(options: ResolveEndpointOptions = {}): ResolvedEndpoint {
  const env = environment(options.environment);
  const vars = env.env;
  const configDir = vars.DOCKER_CONFIG
    ? expandHome(vars.DOCKER_CONFIG, env.homedir)
    : join(env.homedir, ".docker");
  if (options.hosts?.[0] !== undefined) return fromHost(options.hosts[0], "option", env, configDir);
  if (options.host) return fromHost(options.host, "option", env, configDir);
  if (options.context) return fromContext(options.context, "option", env, configDir);
  if (vars.DOCKER_HOST) return fromHost(vars.DOCKER_HOST, "DOCKER_HOST", env, configDir);
  if (vars.DOCKER_CONTEXT) return fromContext(vars.DOCKER_CONTEXT, "DOCKER_CONTEXT", env, configDir);
  const current = readCurrentContext(configDir, env);
  if (current) return fromContext(current, "config", env, configDir);
  const fallback = env.platform === "win32" ? DEFAULT_NPIPE_HOST : DEFAULT_UNIX_HOST;
  return { ...normalizeHost(fallback, false), source: "default", context: undefined, tls: undefined };
}

/**
 * As `resolveEndpoint`, but every endpoint named: the explicit `hosts`, or each host of a context
 * that holds several (one endpoint otherwise). They share the source, context and TLS settings.
 */
export function resolveEndpoints(options: ResolveEndpointOptions = {}): ResolvedEndpoint[] {
  if (options.hosts !== undefined) {
    if (options.host !== undefined) throw new EndpointError("give either host or hosts, not both");
    if (options.hosts.length === 0) throw new EndpointError("hosts: give at least one host");
    return options.hosts.map((host) => resolveEndpoint({ ...options, hosts: undefined, host }));
  }
  const first = resolveEndpoint(options);
  const extra = first.contextHosts?.slice(1) ?? [];
  const { contextHosts: _, ...endpoint } = first;
  return [
    endpoint,
    ...extra.map((raw) => ({ ...endpoint, ...normalizeHost(raw, endpoint.tls !== undefined) })),
  ];
}

/** A host from -H or DOCKER_HOST, with TLS from DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH. */
function fromHost(
  raw: string,
  source: EndpointSource,
  env: Environment,
  configDir: string,
): ResolvedEndpoint {
  const vars = env.env;
  const verify = Boolean(vars.DOCKER_TLS_VERIFY);
  const useTls = verify || Boolean(vars.DOCKER_TLS);
  const { host, scheme } = normalizeHost(raw, useTls);
  let tls: EndpointTls | undefined;
  if (useTls && scheme === "tcp") {
    const dir = vars.DOCKER_CERT_PATH ? expandHome(vars.DOCKER_CERT_PATH, env.homedir) : configDir;
    tls = {
      verify,
      ca: env.readFile(join(dir, "ca.pem")),
      cert: env.readFile(join(dir, "cert.pem")),
      key: env.readFile(join(dir, "key.pem")),
      from: dir,
    };
  }
  return { host, scheme, source, context: undefined, tls };
}

function fromContext(
  name: string,
  source: EndpointSource,
  env: Environment,
  configDir: string,
): ResolvedEndpoint {
  // "default" is not stored: it is DOCKER_HOST or the default socket, as the CLI treats it.
  if (name === "default") {
    const vars = env.env;
    if (vars.DOCKER_HOST)
      return { ...fromHost(vars.DOCKER_HOST, source, env, configDir), context: "default" };
    const fallback = env.platform === "win32" ? DEFAULT_NPIPE_HOST : DEFAULT_UNIX_HOST;
    return { ...normalizeHost(fallback, false), source, context: "default", tls: undefined };
  }
  const context: DockerContext = readDockerContext(configDir, name, env, source);
  const useTls = context.tls !== undefined || context.skipTlsVerify;
  const { host, scheme } = normalizeHost(context.host, useTls);
  const tls =
    useTls && scheme === "tcp"
      ? { verify: !context.skipTlsVerify, ...context.tls, from: `context "${name}"` }
      : undefined;
  return {
    host,
    scheme,
    source,
    context: name,
    tls,
    ...(context.hosts.length > 1 && { contextHosts: context.hosts }),
  };
}
