import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Environment } from "../environment.js";
import { EndpointError } from "../errors.js";

// The docker CLI's context store under $DOCKER_CONFIG: metadata in
// contexts/meta/<sha256(name)>/meta.json, TLS files in contexts/tls/<sha256(name)>/docker/.

export interface DockerContext {
  name: string;
  host: string;
  /**
   * Every manager the context names, `host` first. The docker CLI knows one host per context;
   * Flotilla keeps the others in `Endpoints.docker.Hosts`, which it trusts only while its first
   * entry is still `Host` (a docker CLI that rewrote the endpoint leaves a stale list behind).
   */
  hosts: string[];
  skipTlsVerify: boolean;
  /** The context's TLS files, when it has any. */
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } | undefined;
}

interface ContextMeta {
  Endpoints?: { docker?: { Host?: string; Hosts?: unknown; SkipTLSVerify?: boolean } };
}

/** The context's hosts: `Hosts` when it agrees with `Host`, else `Host` alone. */
export function contextHosts(host: string, hosts: unknown): string[] {
  const valid =
    Array.isArray(hosts) &&
    hosts.length > 0 &&
    hosts.every((h) => typeof h === "string" && h !== "") &&
    hosts[0] === host;
  return valid ? [...new Set(hosts as string[])] : [host];
}

export function contextDirectoryName(name: string): string {
  return createHash("sha256").update(name).digest("hex");
}

/** Reads a context as the CLI wrote it; a missing one is an EndpointError naming the source. */
export function readDockerContext(
  configDir: string,
  name: string,
  env: Environment,
  source: string,
): DockerContext {
  const id = contextDirectoryName(name);
  const metaFile = join(configDir, "contexts", "meta", id, "meta.json");
  const bytes = env.readFile(metaFile);
  if (bytes === undefined) {
    throw new EndpointError(
      `context "${name}" (from ${source}) does not exist: no ${metaFile}; see \`docker context ls\``,
    );
  }
  let meta: ContextMeta;
  try {
    meta = JSON.parse(bytes.toString("utf8")) as ContextMeta;
  } catch (error) {
    throw new EndpointError(`context "${name}": ${metaFile} is not valid JSON`, { cause: error });
  }
  const endpoint = meta.Endpoints?.docker;
  if (!endpoint?.Host) throw new EndpointError(`context "${name}" has no docker endpoint in ${metaFile}`);
  const tlsDir = join(configDir, "contexts", "tls", id, "docker");
  const files = {
    ca: env.readFile(join(tlsDir, "ca.pem")),
    cert: env.readFile(join(tlsDir, "cert.pem")),
    key: env.readFile(join(tlsDir, "key.pem")),
  };
  const hasTls = files.ca !== undefined || files.cert !== undefined || files.key !== undefined;
  return {
    name,
    host: endpoint.Host,
    hosts: contextHosts(endpoint.Host, endpoint.Hosts),
    skipTlsVerify: endpoint.SkipTLSVerify === true,
    tls: hasTls ? files : undefined,
  };
}

/** `currentContext` from $DOCKER_CONFIG/config.json, if set. */
export function readCurrentContext(configDir: string, env: Environment): string | undefined {
  const file = join(configDir, "config.json");
  const bytes = env.readFile(file);
  if (bytes === undefined) return undefined;
  try {
    const config = JSON.parse(bytes.toString("utf8")) as { currentContext?: unknown };
    return typeof config.currentContext === "string" && config.currentContext !== ""
      ? config.currentContext
      : undefined;
  } catch (error) {
    throw new EndpointError(`${file} is not valid JSON`, { cause: error });
  }
}
