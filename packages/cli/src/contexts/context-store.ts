import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { contextDirectoryName, contextHosts } from "@flotilla/transport/internal";
import { NotFoundInSwarmError, UsageError } from "../errors.js";

// The docker CLI's context store, read and written the way the docker CLI does it, so both tools
// see the same contexts: $DOCKER_CONFIG/contexts/meta/<sha256(name)>/meta.json for the endpoint,
// contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem for TLS files, and `currentContext` in
// $DOCKER_CONFIG/config.json. "default" is never stored: it is DOCKER_HOST or the local socket.

type Env = Readonly<Record<string, string | undefined>>;

export interface StoredContext {
  name: string;
  description: string;
  host: string;
  /** Every manager it names, `host` first (see NewContext.hosts). */
  hosts: string[];
  skipTlsVerify: boolean;
  /** Which TLS files the context has (`ca.pem`, `cert.pem`, `key.pem`). */
  tlsFiles: string[];
  /** Where its files are, or undefined for "default". */
  storage: { metadataPath: string; tlsPath: string } | undefined;
  /** Why it could not be read, for `context ls`'s ERROR column. */
  error?: string;
}

export interface NewContext {
  name: string;
  description?: string;
  host: string;
  /**
   * Further managers of the same swarm, tried in turn when the one in use stops answering. Stored
   * as `Endpoints.docker.Hosts` (all of them, `host` first) beside `Host`, which the docker CLI
   * reads; the docker CLI ignores the list, and Flotilla ignores a list whose first entry is no
   * longer `Host` (the docker CLI changed the endpoint).
   */
  hosts?: string[];
  skipTlsVerify?: boolean;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

const DEFAULT_HOST = "unix:///var/run/docker.sock";
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/;

export class ContextStore {
  readonly configDir: string;
  readonly #env: Env;

  constructor(env: Env) {
    this.#env = env;
    const home = env.HOME ?? homedir();
    const configured = env.DOCKER_CONFIG;
    this.configDir = configured
      ? configured.startsWith("~/")
        ? join(home, configured.slice(2))
        : configured
      : join(home, ".docker");
  }

  #metaDir(name: string): string {
    return join(this.configDir, "contexts", "meta", contextDirectoryName(name));
  }

  #tlsDir(name: string): string {
    return join(this.configDir, "contexts", "tls", contextDirectoryName(name));
  }

  /** "default" first, then the stored contexts by name. */
  list(): StoredContext[] {
    const metaRoot = join(this.configDir, "contexts", "meta");
    let ids: string[] = [];
    try {
      ids = readdirSync(metaRoot);
    } catch {}
    const stored = ids.map((id) => this.#readMeta(join(metaRoot, id), id));
    return [this.#defaultContext(), ...stored.sort((a, b) => a.name.localeCompare(b.name))];
  }

  get(name: string): StoredContext {
    if (name === "default") return this.#defaultContext();
    const found = this.list().find((c) => c.name === name);
    if (!found) throw new NotFoundInSwarmError("context", name);
    return found;
  }

  has(name: string): boolean {
    return name === "default" || this.list().some((c) => c.name === name);
  }

  create(context: NewContext): void {
    if (context.name === "default" || !NAME.test(context.name)) {
      throw new UsageError(
        `context name "${context.name}" is not allowed: use letters, digits and _.+- (not "default")`,
      );
    }
    if (this.has(context.name)) throw new UsageError(`context "${context.name}" already exists`);
    this.#write(context);
  }

  /** Creates or replaces a context (the sandbox re-registers its own). */
  put(context: NewContext): void {
    if (this.has(context.name)) this.remove(context.name);
    this.#write(context);
  }

  #write(context: NewContext): void {
    const metaDir = this.#metaDir(context.name);
    const hosts = [...new Set([context.host, ...(context.hosts ?? [])])];
    mkdirSync(metaDir, { recursive: true, mode: 0o755 });
    const meta = {
      Name: context.name,
      Metadata: context.description ? { Description: context.description } : {},
      Endpoints: {
        docker: {
          Host: context.host,
          ...(hosts.length > 1 && { Hosts: hosts }),
          SkipTLSVerify: context.skipTlsVerify === true,
        },
      },
    };
    writeAtomically(join(metaDir, "meta.json"), JSON.stringify(meta), 0o644);
    const files = Object.entries(context.tls ?? {}).filter(([, data]) => data !== undefined);
    if (files.length > 0) {
      const tlsDir = join(this.#tlsDir(context.name), "docker");
      mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
      for (const [kind, data] of files) writeAtomically(join(tlsDir, `${kind}.pem`), data!, 0o600);
    }
  }

  remove(name: string): void {
    if (name === "default") throw new UsageError('the "default" context cannot be removed');
    if (!this.has(name)) throw new NotFoundInSwarmError("context", name);
    rmSync(this.#metaDir(name), { recursive: true, force: true });
    rmSync(this.#tlsDir(name), { recursive: true, force: true });
  }

  /** `currentContext` in config.json, or "default". */
  configuredCurrent(): string {
    const current = this.#readConfig().currentContext;
    return typeof current === "string" && current !== "" ? current : "default";
  }

  /** The context commands use: --context, DOCKER_HOST (the default context), DOCKER_CONTEXT, config.json. */
  current(option?: string): string {
    if (option) return option;
    if (this.#env.DOCKER_HOST) return "default";
    if (this.#env.DOCKER_CONTEXT) return this.#env.DOCKER_CONTEXT;
    return this.configuredCurrent();
  }

  /** Sets `currentContext` in config.json, keeping every other key; "default" removes it. */
  use(name: string): void {
    if (!this.has(name)) throw new NotFoundInSwarmError("context", name);
    const config = this.#readConfig();
    if (name === "default") delete config.currentContext;
    else config.currentContext = name;
    mkdirSync(this.configDir, { recursive: true });
    writeAtomically(join(this.configDir, "config.json"), JSON.stringify(config, null, "\t"), 0o600);
  }

  #readConfig(): Record<string, unknown> {
    const file = join(this.configDir, "config.json");
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return {};
    }
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new UsageError(`${file} is not valid JSON`);
    }
  }

  #defaultContext(): StoredContext {
    return {
      name: "default",
      description: "Current DOCKER_HOST based configuration",
      host: this.#env.DOCKER_HOST || DEFAULT_HOST,
      hosts: [this.#env.DOCKER_HOST || DEFAULT_HOST],
      skipTlsVerify: false,
      tlsFiles: [],
      storage: undefined,
    };
  }

  #readMeta(metadataPath: string, id: string): StoredContext {
    const tlsPath = join(this.configDir, "contexts", "tls", id);
    let tlsFiles: string[] = [];
    try {
      tlsFiles = readdirSync(join(tlsPath, "docker")).sort();
    } catch {}
    const base = {
      description: "",
      host: "",
      hosts: [] as string[],
      skipTlsVerify: false,
      tlsFiles,
      storage: { metadataPath, tlsPath },
    };
    try {
      const meta = JSON.parse(readFileSync(join(metadataPath, "meta.json"), "utf8")) as {
        Name?: string;
        Metadata?: { Description?: string };
        Endpoints?: { docker?: { Host?: string; Hosts?: unknown; SkipTLSVerify?: boolean } };
      };
      const host = meta.Endpoints?.docker?.Host ?? "";
      return {
        ...base,
        name: meta.Name ?? id,
        description: meta.Metadata?.Description ?? "",
        host,
        hosts: host === "" ? [] : contextHosts(host, meta.Endpoints?.docker?.Hosts),
        skipTlsVerify: meta.Endpoints?.docker?.SkipTLSVerify === true,
      };
    } catch (error) {
      return { ...base, name: id, error: (error as Error).message };
    }
  }
}

function writeAtomically(path: string, data: string | Buffer, mode: number): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data, { mode });
  renameSync(temp, path);
}
