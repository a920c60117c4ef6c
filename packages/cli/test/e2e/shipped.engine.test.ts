import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { type AddressInfo, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runShipped, shippedBin } from "./harness.js";

// What `npm i -g` installs (the built dist/bin.cjs, through its loader and code cache) reaching
// the real engine every way a user points it there: the unix socket, TLS from flags, from the
// DOCKER_* variables and from a context, SSH, and with a credential helper in the docker config.
// Each run sees one service made here, so a run that reached something else would show.
const engine = inject("engine");
const suffix = Math.random().toString(36).slice(2, 8);
const service = `cli-shipped-${suffix}`;
const scratch = mkdtempSync(join(tmpdir(), "flotilla-shipped-test-"));
const listing = ["service", "ls", "--filter", `name=${service}`, "--format", "{{.Name}}"];
const unix = () => ({ DOCKER_HOST: `unix://${engine!.socketPath}` });

beforeAll(async () => {
  if (!engine) return;
  const created = await runShipped(["service", "create", service, engine.images.current], { env: unix() });
  expect(created.code, created.stderr).toBe(0);
});
afterAll(async () => {
  if (engine) await runShipped(["service", "rm", service], { env: unix() });
  rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(!engine)("the shipped flotilla against the real engine", () => {
  it("reaches it through the unix socket", async () => {
    expect(await runShipped(listing, { env: unix() })).toEqual({
      code: 0,
      stdout: `${service}\n`,
      stderr: "",
    });
    const flag = await runShipped(["-H", `unix://${engine!.socketPath}`, ...listing]);
    expect(flag).toEqual({ code: 0, stdout: `${service}\n`, stderr: "" });
  });
});

describe.skipIf(!engine?.tls)("the shipped flotilla over TLS", () => {
  const tls = engine!.tls!;
  const host = `tcp://${tls.host}:${tls.port}`;
  const certs = {
    ca: join(tls.certPath, "ca.pem"),
    cert: join(tls.certPath, "cert.pem"),
    key: join(tls.certPath, "key.pem"),
  };
  const flags = ["--tlsverify", "--tlscacert", certs.ca, "--tlscert", certs.cert, "--tlskey", certs.key];

  it("reaches it with -H and the --tls flags", async () => {
    const result = await runShipped(["-H", host, ...flags, ...listing]);
    expect(result).toEqual({ code: 0, stdout: `${service}\n`, stderr: "" });
  });

  it("reaches it with DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH", async () => {
    const env = { DOCKER_HOST: host, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: tls.certPath };
    expect(await runShipped(listing, { env })).toEqual({ code: 0, stdout: `${service}\n`, stderr: "" });
  });

  it("reaches it through a TLS context", async () => {
    const config = mkdtempSync(join(scratch, "context-"));
    const env = { DOCKER_CONFIG: config, HOME: config };
    const endpoint = `host=${host},ca=${certs.ca},cert=${certs.cert},key=${certs.key}`;
    const created = await runShipped(["context", "create", "engine-tls", "--docker", endpoint], { env });
    expect(created.code, created.stderr).toBe(0);
    const result = await runShipped(["--context", "engine-tls", ...listing], { env });
    expect(result).toEqual({ code: 0, stdout: `${service}\n`, stderr: "" });
  });

  it("says a name the certificate does not list is the wrong name, not the wrong CA", async () => {
    // The engine's own TLS behind another loopback address, which its certificate does not list.
    const relay = createServer((socket) => socket.pipe(connect(tls.port, tls.host)).pipe(socket));
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.2", resolve));
    const { port } = relay.address() as AddressInfo;
    try {
      const result = await runShipped(["-H", `tcp://127.0.0.2:${port}`, ...flags, ...listing]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^flotilla: tcp:\/\/127\.0\.0\.2:\d+: the engine's certificate does not name 127\.0\.0\.2: it is for \S/,
      );
      expect(result.stderr).toContain(tls.host);
      expect(result.stderr).not.toContain("ca.pem");
    } finally {
      relay.close();
    }
  });

  it("makes its code cache on the first run, in the user's cache directory only, uses it next, and remakes a bad one", async () => {
    const cache = mkdtempSync(join(scratch, "cache-"));
    const env = {
      XDG_CACHE_HOME: cache,
      DOCKER_HOST: host,
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: tls.certPath,
    };
    const installed = () => readdirSync(dirname(shippedBin), { recursive: true }).sort();
    const before = installed();
    const first = await runShipped(listing, { env });
    expect(first).toEqual({ code: 0, stdout: `${service}\n`, stderr: "" });
    const made = readdirSync(join(cache, "flotilla"));
    expect(made).toEqual([expect.stringMatching(/^[0-9a-f]{16}-v\d+\.\d+\.\d+\.v8$/)]);
    // The second run compiles from that cache: its lazily loaded TLS must work from it too.
    const second = await runShipped(listing, { env });
    expect(second).toEqual({ code: 0, stdout: `${service}\n`, stderr: "" });
    expect(readdirSync(join(cache, "flotilla"))).toEqual(made);
    // A cache V8 rejects (corrupt, or another V8's) is compiled past and written again.
    const file = join(cache, "flotilla", made[0]!);
    const good = readFileSync(file);
    writeFileSync(file, "not a code cache");
    const third = await runShipped(listing, { env });
    expect(third).toEqual({ code: 0, stdout: `${service}\n`, stderr: "" });
    expect(readFileSync(file).length).toBeGreaterThan(good.length / 2);
    expect(installed()).toEqual(before);
  });
});

describe.skipIf(!engine?.ssh)("the shipped flotilla over SSH", () => {
  const ssh = engine!.ssh!;
  const host = `ssh://${ssh.user}@${ssh.host}:${ssh.port}`;
  /** A home whose ~/.ssh holds `key` as id_ed25519 and the engine host's known_hosts. */
  function home(key: Buffer | string) {
    const dir = mkdtempSync(join(scratch, "home-"));
    mkdirSync(join(dir, ".ssh"), { mode: 0o700 });
    writeFileSync(join(dir, ".ssh/id_ed25519"), key, { mode: 0o600 });
    copyFileSync(ssh.knownHostsFile, join(dir, ".ssh/known_hosts"));
    return { dir, env: { HOME: dir, DOCKER_CONFIG: join(dir, ".docker"), DOCKER_HOST: host } };
  }

  it("reaches it with ssh://user@host:port, the key and known_hosts in ~/.ssh", {
    timeout: 30_000,
  }, async () => {
    const { env } = home(readFileSync(ssh.identityFile));
    expect(await runShipped(listing, { env })).toEqual({ code: 0, stdout: `${service}\n`, stderr: "" });
  });

  it("says the key is encrypted, naming it, rather than that there is no key", async () => {
    const keyFile = join(mkdtempSync(join(scratch, "key-")), "id");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "a passphrase", "-f", keyFile]);
    const { dir, env } = home(readFileSync(keyFile));
    const result = await runShipped(listing, { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${join(dir, ".ssh/id_ed25519")} is encrypted and no passphrase was given`,
    );
    expect(result.stderr).toContain("ssh-add");
    expect(result.stderr).not.toContain("no readable private key");
  });
});

describe.skipIf(!engine)("the shipped flotilla with a credential helper", () => {
  it("asks docker-credential-<credsStore> for the image's registry and shows nothing of the secret", {
    timeout: 30_000,
  }, async () => {
    const dir = mkdtempSync(join(scratch, "creds-"));
    const secret = `s3cret-${Math.random().toString(36).slice(2)}`;
    const marker = join(dir, "helper-ran");
    // A helper as the docker CLI runs one: `get` with the server URL on stdin, JSON on stdout.
    const helper = join(dir, "bin", "docker-credential-test");
    mkdirSync(dirname(helper));
    writeFileSync(
      helper,
      [
        "#!/bin/sh",
        `read -r server; echo "$1 $server" >> '${marker}'`,
        `printf '{"ServerURL":"%s","Username":"flotilla-test","Secret":"${secret}"}' "$server"`,
        "",
      ].join("\n"),
    );
    chmodSync(helper, 0o755);
    mkdirSync(join(dir, ".docker"));
    writeFileSync(join(dir, ".docker/config.json"), JSON.stringify({ credsStore: "test" }));
    const name = `cli-shipped-creds-${suffix}`;
    const env = {
      ...unix(),
      DOCKER_CONFIG: join(dir, ".docker"),
      HOME: dir,
      PATH: `${dirname(helper)}:${process.env.PATH}`,
    };
    try {
      const created = await runShipped(["service", "create", name, engine!.images.current], { env });
      expect(created.code, created.stderr).toBe(0);
      expect(readFileSync(marker, "utf8")).toBe("get https://index.docker.io/v1/\n");
      const inspected = await runShipped(["service", "inspect", name], { env });
      expect(inspected.code).toBe(0);
      for (const output of [created.stdout, created.stderr, inspected.stdout, inspected.stderr])
        expect(output).not.toContain(secret);
    } finally {
      await runShipped(["service", "rm", name], { env: unix() });
    }
  });
});

it("has a built bin to test", () => {
  expect(existsSync(shippedBin)).toBe(true);
});
