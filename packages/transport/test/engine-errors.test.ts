import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFlotillaError } from "@flotilla/types";
import ssh2 from "ssh2";
import { describe, expect, inject, it } from "vitest";
import { SshTransport, type SshTransportOptions } from "../src/adapters/ssh.js";
import { readCertDirectory, TlsTransport } from "../src/adapters/tls.js";
import { UnixSocketTransport } from "../src/adapters/unix-socket.js";
import type { Transport } from "../src/transport.js";

// Each way of failing to reach a real engine gives its own typed error with a hint.

const engine = inject("engine");
const scratch = mkdtempSync(join(tmpdir(), "flotilla-transport-"));

async function failure(transport: Transport): Promise<{ code: string; message: string }> {
  try {
    await transport.request({ method: "GET", path: "/_ping" });
  } catch (error) {
    if (isFlotillaError(error)) return error;
    throw error;
  } finally {
    await transport.close();
  }
  throw new Error("expected the request to fail");
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("reaching no engine", () => {
  it("names a missing socket ERR_SOCKET_NOT_FOUND", async () => {
    const error = await failure(new UnixSocketTransport({ socketPath: join(scratch, "no.sock") }));
    expect(error.code).toBe("ERR_SOCKET_NOT_FOUND");
    expect(error.message).toContain("is the engine running?");
  });

  it("names a closed TCP port ERR_CONNECTION_REFUSED", async () => {
    const error = await failure(new TlsTransport({ host: "127.0.0.1", port: await closedPort() }));
    expect(error.code).toBe("ERR_CONNECTION_REFUSED");
  });
});

describe.skipIf(!engine?.tls)("mutual TLS against the engine", () => {
  const tls = engine!.tls!;
  const client = readCertDirectory(tls.certPath);

  it("refuses an engine certificate from another CA with ERR_TLS_VERIFY", async () => {
    const transport = new TlsTransport({
      ...client,
      host: tls.host,
      port: tls.port,
      ca: readFileSync(tls.otherCaPath),
    });
    const error = await failure(transport);
    expect(error.code).toBe("ERR_TLS_VERIFY");
    expect(error.message).toContain("ca.pem");
  });

  it("says a name the engine's certificate does not list is the wrong name, not the wrong CA", async () => {
    // 127.1 reaches the engine (127.0.0.1) under a name its certificate (127.0.0.1, localhost) lacks.
    const error = await failure(new TlsTransport({ host: "127.1", port: tls.port, ...client }));
    expect(error.code).toBe("ERR_TLS_VERIFY");
    expect(error.message).toContain("the engine's certificate does not name 127.1");
    expect(error.message).toMatch(/it is for (127\.0\.0\.1, localhost|localhost, 127\.0\.0\.1)/);
    expect(error.message).not.toContain("ca.pem");
  });

  it("reports a missing client certificate as ERR_TLS_CLIENT_CERT", async () => {
    const error = await failure(new TlsTransport({ host: tls.host, port: tls.port, ca: client.ca }));
    expect(error.code).toBe("ERR_TLS_CLIENT_CERT");
    expect(error.message).toContain("requires a client certificate");
  });
});

describe.skipIf(!engine?.ssh)("SSH against the engine", () => {
  const ssh = engine!.ssh!;
  const base: SshTransportOptions = {
    host: ssh.host,
    port: ssh.port,
    user: ssh.user,
    identityFiles: [ssh.identityFile],
    knownHostsFile: ssh.knownHostsFile,
    agent: false,
    sshConfigFile: false,
  };
  const hostName = `[${ssh.host}]:${ssh.port}`;

  function knownHosts(name: string, lines: string): string {
    const file = join(scratch, name);
    writeFileSync(file, lines);
    return file;
  }

  it("refuses a host whose key differs from known_hosts with ERR_SSH_HOST_KEY", async () => {
    const other = ssh2.utils.generateKeyPairSync("ed25519").public;
    const file = knownHosts("mismatch", `${hostName} ${other}\n`);
    const error = await failure(new SshTransport({ ...base, knownHostsFile: file }));
    expect(error.code).toBe("ERR_SSH_HOST_KEY");
    expect(error.message).toContain("ssh-keygen -R");
  });

  it("refuses a host missing from known_hosts with ERR_SSH_HOST_UNKNOWN", async () => {
    const error = await failure(new SshTransport({ ...base, knownHostsFile: knownHosts("empty", "") }));
    expect(error.code).toBe("ERR_SSH_HOST_UNKNOWN");
  });

  it("accepts a hashed known_hosts entry", async () => {
    const { createHmac, randomBytes } = await import("node:crypto");
    const [, type, key] = readFileSync(ssh.knownHostsFile, "utf8").trim().split("\n")[0]!.split(/\s+/);
    const salt = randomBytes(20);
    const hash = createHmac("sha1", salt).update(hostName).digest();
    const file = knownHosts(
      "hashed",
      `|1|${salt.toString("base64")}|${hash.toString("base64")} ${type} ${key}\n`,
    );
    await using transport = new SshTransport({ ...base, knownHostsFile: file });
    expect(await (await transport.request({ method: "GET", path: "/_ping" })).text()).toBe("OK");
  });

  it("reports a key the host does not accept as ERR_SSH_AUTH", async () => {
    const wrong = join(scratch, "wrong_key");
    writeFileSync(wrong, ssh2.utils.generateKeyPairSync("ed25519").private);
    const error = await failure(new SshTransport({ ...base, identityFiles: [wrong] }));
    expect(error.code).toBe("ERR_SSH_AUTH");
  });

  it("keeps a passphrase out of every message", async () => {
    const encrypted = join(scratch, "encrypted_key");
    const passphrase = "correct horse battery staple";
    writeFileSync(
      encrypted,
      ssh2.utils.generateKeyPairSync("ed25519", { passphrase, cipher: "aes256-cbc", rounds: 16 }).private,
    );
    const error = await failure(new SshTransport({ ...base, identityFiles: [encrypted], passphrase }));
    expect(error.code).toBe("ERR_SSH_AUTH");
    expect(JSON.stringify(error) + String(error.message)).not.toContain(passphrase);
  });

  it("says an encrypted key's passphrase is wrong, naming the key", async () => {
    const encrypted = join(scratch, "encrypted_key_wrong");
    const passphrase = "the right one";
    writeFileSync(
      encrypted,
      ssh2.utils.generateKeyPairSync("ed25519", { passphrase, cipher: "aes256-cbc", rounds: 16 }).private,
    );
    const wrong = "not the passphrase";
    const error = await failure(
      new SshTransport({ ...base, identityFiles: [encrypted], passphrase: wrong, agent: false }),
    );
    expect(error.code).toBe("ERR_SSH_AUTH");
    expect(error.message).toContain(`the passphrase given does not decrypt ${encrypted}`);
    expect(error.message).toContain(`ssh-add ${encrypted}`);
    expect(error.message).not.toContain("no readable private key");
    expect(JSON.stringify(error) + String(error.message)).not.toContain(wrong);
    const none = await failure(new SshTransport({ ...base, identityFiles: [encrypted], agent: false }));
    expect(none.message).toContain(`${encrypted} is encrypted and no passphrase was given`);
  });

  it("reaches the engine by forwarding its socket when asked to", async () => {
    await using transport = new SshTransport({ ...base, engineAccess: "forward-socket" });
    const response = await transport.request({ method: "GET", path: "/_ping" });
    expect(response.headers["api-version"]).toBe(engine!.apiVersion);
  });

  it("follows a host alias from ~/.ssh/config", async () => {
    const home = mkdtempSync(join(tmpdir(), "flotilla-home-"));
    const config = [
      "Host flotilla-engine",
      `  HostName ${ssh.host}`,
      `  Port ${ssh.port}`,
      `  User ${ssh.user}`,
      `  IdentityFile ${ssh.identityFile}`,
    ].join("\n");
    const readFile = (path: string) =>
      path === join(home, ".ssh/config")
        ? Buffer.from(config)
        : (() => {
            try {
              return readFileSync(path);
            } catch {
              return undefined;
            }
          })();
    await using transport = new SshTransport({
      host: "flotilla-engine",
      knownHostsFile: ssh.knownHostsFile,
      agent: false,
      environment: { homedir: home, env: {}, readFile },
    });
    expect(transport.endpoint).toBe(`ssh://${ssh.user}@flotilla-engine:${ssh.port}`);
    expect(await (await transport.request({ method: "GET", path: "/_ping" })).text()).toBe("OK");
  });
});
