import { join } from "node:path";
import type { Duplex } from "node:stream";
import type { AnyAuthMethod, ClientChannel, ConnectConfig, Client as SshClient } from "ssh2";
import { type Environment, environment, expandHome } from "../environment.js";
import { ConnectionError, TimeoutError } from "../errors.js";
import { SocketTransport } from "../socket-transport.js";
import { ChannelSocket } from "../ssh/channel-socket.js";
import { type HostKeyVerdict, hostKeysFor, judgeHostKey, parseKnownHosts } from "../ssh/known-hosts.js";
import { lookupSshHost } from "../ssh/ssh-config.js";
import type { StageTimeouts } from "../transport.js";
import { authority } from "./authority.js";
import { netConnectionError } from "./connect-net.js";

export interface SshTransportOptions {
  /** A host name, address or ~/.ssh/config alias. */
  host: string;
  port?: number;
  user?: string;
  /** Private key files to offer (after the agent); default: ssh config's IdentityFile, else ~/.ssh/id_*. */
  identityFiles?: string[];
  privateKey?: string | Buffer;
  /** For encrypted keys; never appears in any message. */
  passphrase?: string;
  /** The agent's socket; SSH_AUTH_SOCK by default, false for none. */
  agent?: string | false;
  /** ~/.ssh/known_hosts by default. */
  knownHostsFile?: string;
  /** As OpenSSH's StrictHostKeyChecking: refuse unknown hosts, accept them, or check nothing. */
  hostKeyChecking?: "strict" | "accept-new" | "off";
  /** ~/.ssh/config by default, false to ignore it. */
  sshConfigFile?: string | false;
  /** How to reach the engine there: `docker system dial-stdio` as the docker CLI does, or forward its socket. */
  engineAccess?: "auto" | "dial-stdio" | "forward-socket";
  /** The engine's socket on the remote host, for forwarding. */
  remoteSocket?: string;
  /** Channels open at once over the one SSH connection; sshd allows 10 sessions by default. */
  connections?: number;
  timeout?: StageTimeouts;
  environment?: Partial<Environment>;
}

// ssh2 names RSA host keys by signature algorithm, known_hosts by key type.
const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  "ssh-ed25519": ["ssh-ed25519"],
  "ecdsa-sha2-nistp256": ["ecdsa-sha2-nistp256"],
  "ecdsa-sha2-nistp384": ["ecdsa-sha2-nistp384"],
  "ecdsa-sha2-nistp521": ["ecdsa-sha2-nistp521"],
  "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
};
const DEFAULT_IDENTITIES = ["id_ed25519", "id_ecdsa", "id_rsa"];

/**
 * The engine over SSH, as `docker -H ssh://user@host` reaches it: one SSH connection, each HTTP
 * connection a channel on it running `docker system dial-stdio` there (or, when the remote has no
 * docker CLI, a forward of its unix socket).
 */
export class SshTransport extends SocketTransport {
  constructor(options: SshTransportOptions) {
    const env = environment(options.environment);
    const home = env.homedir;
    const configFile =
      options.sshConfigFile === false ? undefined : (options.sshConfigFile ?? join(home, ".ssh/config"));
    const config = lookupSshHost(
      configFile ? (env.readFile(configFile)?.toString("utf8") ?? "") : "",
      options.host,
    );
    const host = config.hostName ?? options.host;
    const port = options.port ?? config.port ?? 22;
    const user = options.user ?? config.user ?? env.env.USER ?? "root";
    const endpoint = `ssh://${user}@${authority(options.host, port)}`;
    const timeout = options.timeout;
    const session = new SshSession({
      endpoint,
      connectConfig: { host, port, username: user, keepaliveInterval: 15_000, keepaliveCountMax: 3 },
      auth: authMethods(options, user, config.identityFiles, env),
      passphrase: options.passphrase,
      knownHostsFile: expandHome(options.knownHostsFile ?? "~/.ssh/known_hosts", home),
      hostKeyChecking: options.hostKeyChecking ?? "strict",
      readFile: env.readFile,
      connectTimeout: timeout?.connect ?? 30_000,
    });
    const access = options.engineAccess ?? "auto";
    const remoteSocket = options.remoteSocket ?? "/var/run/docker.sock";
    super({
      endpoint,
      openSocket: () => session.openChannel(access, remoteSocket),
      connections: options.connections ?? 4,
      timeout,
      onClose: () => session.end(),
    });
  }
}

/** A private key to offer, and where it came from (for messages: never its bytes or passphrase). */
interface OfferedKey {
  source: string;
  key: Buffer;
}

const PRIVATE_KEY_OPTION = "the privateKey given";

function authMethods(
  options: SshTransportOptions,
  username: string,
  configured: string[],
  env: Environment,
): { agent?: AnyAuthMethod; keys: OfferedKey[] } {
  const agent = options.agent === false ? undefined : (options.agent ?? env.env.SSH_AUTH_SOCK);
  const keys: OfferedKey[] = [];
  if (options.privateKey !== undefined)
    keys.push({ source: PRIVATE_KEY_OPTION, key: Buffer.from(options.privateKey) });
  const files =
    options.identityFiles ??
    (configured.length > 0 ? configured : DEFAULT_IDENTITIES.map((n) => `~/.ssh/${n}`));
  for (const file of files) {
    const path = expandHome(file, env.homedir);
    const key = env.readFile(path);
    if (key) keys.push({ source: path, key });
  }
  return { agent: agent ? { type: "agent", username, agent } : undefined, keys };
}

/** Why a key file cannot be used, from ssh2's parse error, or undefined when it can. */
function keyProblem(ssh2: typeof import("ssh2"), offered: OfferedKey, passphrase: string | undefined) {
  const parsed = ssh2.utils.parseKey(offered.key, passphrase);
  if (!(parsed instanceof Error)) return undefined;
  if (/no passphrase given/i.test(parsed.message))
    return { source: offered.source, problem: `${offered.source} is encrypted and no passphrase was given` };
  if (/bad passphrase/i.test(parsed.message))
    return { source: offered.source, problem: `the passphrase given does not decrypt ${offered.source}` };
  return { source: offered.source, problem: `${offered.source} is not a private key ssh2 can read` };
}

// ssh2 is loaded on the first SSH connection: most endpoints are unix sockets, and a command line
// started hundreds of times a day should not pay for an SSH stack it does not use.
let ssh2Module: Promise<typeof import("ssh2")> | undefined;
function loadSsh2(): Promise<typeof import("ssh2")> {
  ssh2Module ??= import("ssh2").then((m) => (m as { default?: typeof import("ssh2") }).default ?? m);
  return ssh2Module;
}

interface SessionOptions {
  endpoint: string;
  connectConfig: ConnectConfig;
  auth: { agent?: AnyAuthMethod; keys: OfferedKey[] };
  /** For encrypted keys; never appears in any message. */
  passphrase: string | undefined;
  knownHostsFile: string;
  hostKeyChecking: "strict" | "accept-new" | "off";
  readFile: Environment["readFile"];
  connectTimeout: number;
}

/** One SSH connection, opened on first use and again after it drops; channels multiplex over it. */
class SshSession {
  readonly #options: SessionOptions;
  #client: Promise<SshClient> | undefined;
  #current: SshClient | undefined;
  #access: Promise<"dial-stdio" | "forward-socket"> | undefined;

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  async openChannel(access: "auto" | "dial-stdio" | "forward-socket", remoteSocket: string): Promise<Duplex> {
    const client = await this.#connect();
    if (access === "auto") this.#access ??= probeDockerCli(client);
    const how = access === "auto" ? await this.#access! : access;
    const channel = await (how === "dial-stdio"
      ? exec(client, "docker system dial-stdio")
      : forward(client, remoteSocket));
    return new ChannelSocket(channel);
  }

  async end(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client) (await client.catch(() => undefined))?.end();
  }

  #connect(): Promise<SshClient> {
    this.#client ??= this.#open();
    const opening = this.#client;
    opening.catch(() => {
      if (this.#client === opening) this.#client = undefined;
    });
    return opening;
  }

  async #open(): Promise<SshClient> {
    const ssh2 = await loadSsh2();
    const { connectConfig, endpoint, passphrase } = this.#options;
    const username = connectConfig.username!;
    // A key that will not parse (encrypted, no or the wrong passphrase) is skipped, as ssh skips
    // it, and said why when nothing else is left to log in with.
    const skipped: { source: string; problem: string }[] = [];
    const auth: AnyAuthMethod[] = this.#options.auth.agent ? [this.#options.auth.agent] : [];
    for (const offered of this.#options.auth.keys) {
      const problem = keyProblem(ssh2, offered, passphrase);
      if (problem) skipped.push(problem);
      else auth.push({ type: "publickey", username, key: offered.key, passphrase });
    }
    const text = this.#options.readFile(this.#options.knownHostsFile)?.toString("utf8") ?? "";
    const keys = hostKeysFor(parseKnownHosts(text), connectConfig.host!, connectConfig.port!);
    const checking = this.#options.hostKeyChecking;
    // Ask for a key type we know, so a host with several keys is not judged by one we never saw.
    const serverHostKey = keys.trusted.flatMap((entry) => HOST_KEY_ALGORITHMS[entry.keyType] ?? []);
    let verdict: HostKeyVerdict | undefined;
    return new Promise((resolve, reject) => {
      if (auth.length === 0) {
        const [first] = skipped;
        reject(
          first
            ? authError(endpoint, first.problem, undefined, keyHint(first.problem, first.source))
            : authError(endpoint, "no SSH agent and no readable private key"),
        );
        return;
      }
      const client = new ssh2.Client();
      client.once("ready", () => {
        this.#access = undefined;
        this.#current = client;
        resolve(client);
      });
      client.on("error", (error: Error & { level?: string }) => {
        reject(sshError(error, verdict, this.#options, skipped));
      });
      client.once("close", () => {
        reject(authError(endpoint, "the SSH connection closed during login"));
        // Dropped: the next channel opens a new connection.
        if (this.#current === client) {
          this.#current = undefined;
          this.#client = undefined;
        }
      });
      client.connect({
        ...connectConfig,
        authHandler: [...auth],
        readyTimeout: this.#options.connectTimeout > 0 ? this.#options.connectTimeout : 2 ** 31 - 1,
        ...(serverHostKey.length > 0 ? { algorithms: { serverHostKey: serverHostKey as never } } : {}),
        hostVerifier: (key: Buffer) => {
          verdict = judgeHostKey(keys, key);
          if (checking === "off") return true;
          return verdict === "trusted" || (verdict === "unknown" && checking === "accept-new");
        },
      });
    });
  }
}

const AUTH_HINT =
  "load a key into ssh-agent or pass identityFile, and add its public half to ~/.ssh/authorized_keys on the host";

/** For a key skipped because of its passphrase: how to use it anyway. */
function keyHint(problem: string, source: string): string {
  if (!/passphrase/.test(problem)) return AUTH_HINT;
  return source === PRIVATE_KEY_OPTION
    ? "pass the key's passphrase"
    : `load the key into ssh-agent (\`ssh-add ${source}\`) or pass its passphrase`;
}

function authError(endpoint: string, problem: string, cause?: unknown, hint = AUTH_HINT): ConnectionError {
  return new ConnectionError("ERR_SSH_AUTH", { endpoint, problem, hint }, { cause });
}

function sshError(
  error: Error & { level?: string },
  verdict: HostKeyVerdict | undefined,
  options: SessionOptions,
  skipped: { source: string; problem: string }[],
) {
  const { endpoint, knownHostsFile, connectConfig } = options;
  const where = `[${connectConfig.host}]:${connectConfig.port}`;
  if (verdict === "mismatch" || verdict === "revoked") {
    return new ConnectionError(
      "ERR_SSH_HOST_KEY",
      {
        endpoint,
        problem: `the host's key ${verdict === "revoked" ? "is revoked" : "does not match"} ${knownHostsFile}`,
        hint: `if the host was reinstalled, remove the old key with \`ssh-keygen -R '${where}'\`; otherwise the connection may be intercepted`,
      },
      { cause: error },
    );
  }
  if (verdict === "unknown" && options.hostKeyChecking === "strict") {
    return new ConnectionError(
      "ERR_SSH_HOST_UNKNOWN",
      {
        endpoint,
        problem: `the host is not in ${knownHostsFile}`,
        hint: `check its fingerprint, then add it with \`ssh-keyscan -p ${connectConfig.port} ${connectConfig.host} >> ${knownHostsFile}\``,
      },
      { cause: error },
    );
  }
  if (error.level === "client-authentication") {
    // A key left out for its passphrase may be the one the host would have taken.
    const notOffered = skipped.map((key) => `; not offered: ${key.problem}`).join("");
    return authError(endpoint, `the host refused every key offered${notOffered}`, error);
  }
  if (error.level === "client-timeout")
    return new TimeoutError("connect", options.connectTimeout, `SSH login to ${endpoint}`);
  return netConnectionError(error as NodeJS.ErrnoException, endpoint);
}

function probeDockerCli(client: SshClient): Promise<"dial-stdio" | "forward-socket"> {
  return new Promise((resolve) => {
    client.exec("command -v docker", (error, channel) => {
      if (error) return resolve("forward-socket");
      channel.resume();
      channel.stderr.resume();
      channel.once("exit", (code: number | null) => resolve(code === 0 ? "dial-stdio" : "forward-socket"));
    });
  });
}

function exec(client: SshClient, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(error);
      // dial-stdio's own diagnostics go to stderr; drained so a chatty remote cannot stall us.
      channel.stderr.resume();
      resolve(channel);
    });
  });
}

function forward(client: SshClient, socketPath: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.openssh_forwardOutStreamLocal(socketPath, (error, channel) =>
      error ? reject(error) : resolve(channel),
    );
  });
}
