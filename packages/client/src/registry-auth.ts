import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { RegistryAuthError } from "./errors.js";

// The X-Registry-Auth header for an image, found the way the docker CLI finds it: the registry
// named by the image (Docker Hub unless the first part looks like a host), then
// $DOCKER_CONFIG/config.json's credHelpers, credsStore, or auths. Credentials only ever flow into
// the header; no message or error built here contains one.

export interface RegistryAuthEnvironment {
  env?: Readonly<Record<string, string | undefined>>;
  readFile?: (path: string) => Promise<string>;
  /** Runs `command` with `input` on stdin and resolves with its stdout. */
  exec?: (command: string, args: readonly string[], input: string) => Promise<string>;
  homedir?: () => string;
}

/** Something the client went on past, for the caller to show: a missing credential helper. */
export interface ClientWarning {
  /** Stable, machine-matchable: `FLOTILLA_CREDENTIAL_HELPER_MISSING`. */
  code: string;
  message: string;
}

/** Where warnings go unless the caller takes them: Node's own warnings, printed once to stderr. */
export function emitProcessWarning(warning: ClientWarning): void {
  process.emitWarning(warning.message, { code: warning.code });
}

export interface RegistryCredentials {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

const HUB = "docker.io";
const HUB_CONFIG_KEY = "https://index.docker.io/v1/";

/** The registry an image reference pulls from, normalised as the engine does (`docker.io` for Hub). */
export function registryOf(image: string): string {
  const slash = image.indexOf("/");
  if (slash === -1) return HUB;
  const first = image.slice(0, slash);
  const isHost = first.includes(".") || first.includes(":") || first === "localhost";
  return isHost ? normaliseRegistry(first) : HUB;
}

/** `https://index.docker.io/v1/`, `index.docker.io`, `registry-1.docker.io` all mean `docker.io`. */
export function normaliseRegistry(name: string): string {
  const host = name
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/\/.*$/, "")
    .toLowerCase();
  return host === "index.docker.io" || host === "registry-1.docker.io" ? HUB : host;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

// child_process is loaded only when a credential helper runs: most calls never need one.
async function runHelper(
  command: string,
  args: readonly string[],
  input: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const { execFile } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    const child = execFile(command, [...args], { timeout: 30_000, env }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}

export class RegistryAuth {
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #readFile: (path: string) => Promise<string>;
  readonly #exec: NonNullable<RegistryAuthEnvironment["exec"]>;
  readonly #home: () => string;
  readonly #warn: (warning: ClientWarning) => void;
  /** Helpers already reported missing: one warning each, not one per request. */
  readonly #missing = new Set<string>();

  constructor(
    environment: RegistryAuthEnvironment = {},
    warn: (warning: ClientWarning) => void = emitProcessWarning,
  ) {
    this.#warn = warn;
    this.#env = environment.env ?? process.env;
    this.#readFile = environment.readFile ?? ((path) => readFile(path, "utf8"));
    this.#exec =
      environment.exec ?? ((command, args, input) => runHelper(command, args, input, { ...this.#env }));
    this.#home = environment.homedir ?? homedir;
  }

  /** Credentials for the registry `image` pulls from, or undefined when none are configured. */
  async credentialsFor(image: string): Promise<RegistryCredentials | undefined> {
    const registry = registryOf(image);
    const config = await this.#config();
    if (!config) return undefined;
    const helper = config.credHelpers?.[registry] ?? this.#helperKey(config, registry) ?? config.credsStore;
    if (helper) {
      const fromHelper = await this.#fromHelper(helper, registry, config.path);
      if (fromHelper) return fromHelper;
    }
    return this.#fromAuths(config, registry);
  }

  /** The header value (base64url JSON), or undefined when there are no credentials for the image. */
  async headerFor(image: string): Promise<string | undefined> {
    const credentials = await this.credentialsFor(image);
    return credentials && Buffer.from(JSON.stringify(credentials)).toString("base64url");
  }

  async #config(): Promise<(DockerConfig & { path: string }) | undefined> {
    const dir = this.#env.DOCKER_CONFIG || join(this.#home(), ".docker");
    const path = join(dir, "config.json");
    let text: string;
    try {
      text = await this.#readFile(path);
    } catch {
      return undefined;
    }
    try {
      return { ...(JSON.parse(text) as DockerConfig), path };
    } catch (error) {
      throw new RegistryAuthError(`${path} is not valid JSON`, { cause: error });
    }
  }

  #helperKey(config: DockerConfig, registry: string): string | undefined {
    for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
      if (normaliseRegistry(key) === registry) return helper;
    }
    return undefined;
  }

  async #fromHelper(
    helper: string,
    registry: string,
    configPath: string,
  ): Promise<RegistryCredentials | undefined> {
    const serverUrl = registry === HUB ? HUB_CONFIG_KEY : registry;
    const program = `docker-credential-${helper}`;
    let out: string;
    try {
      out = await this.#exec(program, ["get"], serverUrl);
    } catch (error) {
      // A config copied from a desktop into a container or CI job names a helper that is not
      // there. As the docker CLI does, go on without credentials: a public or local image needs
      // none, and a pull that did need them fails on the engine, with the engine's reason.
      if ((error as { code?: unknown }).code === "ENOENT") {
        if (!this.#missing.has(program)) {
          this.#missing.add(program);
          this.#warn({
            code: "FLOTILLA_CREDENTIAL_HELPER_MISSING",
            message: `${program} (named in ${configPath}) is not installed; sending no registry credentials from it`,
          });
        }
        return undefined;
      }
      // Helpers exit non-zero with "credentials not found" for registries they don't hold.
      const text = String((error as { stdout?: unknown }).stdout ?? "");
      if (/credentials not found/i.test(text)) return undefined;
      // Only the exit status: a helper's own output may hold the very secret it failed to return.
      const status = (error as { code?: unknown }).code;
      throw new RegistryAuthError(
        `docker-credential-${helper} failed for ${registry} (exit status ${String(status)})`,
      );
    }
    let parsed: { Username?: string; Secret?: string };
    try {
      parsed = JSON.parse(out) as typeof parsed;
    } catch {
      throw new RegistryAuthError(
        `docker-credential-${helper} answered something that is not JSON for ${registry}`,
      );
    }
    if (!parsed.Secret) return undefined;
    // "<token>" as the user name means the secret is an identity token, as the docker CLI reads it.
    if (parsed.Username === "<token>") return { identitytoken: parsed.Secret, serveraddress: serverUrl };
    return { username: parsed.Username ?? "", password: parsed.Secret, serveraddress: serverUrl };
  }

  #fromAuths(config: DockerConfig, registry: string): RegistryCredentials | undefined {
    for (const [key, entry] of Object.entries(config.auths ?? {})) {
      if (normaliseRegistry(key) !== registry) continue;
      const serveraddress = registry === HUB ? HUB_CONFIG_KEY : key;
      if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress };
      if (entry.auth) {
        const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        if (colon === -1)
          throw new RegistryAuthError(`the auth entry for ${key} in config.json is malformed`);
        return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress };
      }
      if (entry.username) return { username: entry.username, password: entry.password ?? "", serveraddress };
    }
    return undefined;
  }
}
