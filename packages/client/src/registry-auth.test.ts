import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RegistryAuthError } from "./errors.js";
import { normaliseRegistry, RegistryAuth, registryOf } from "./registry-auth.js";

function decode(header: string | undefined): unknown {
  return header && JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
}

describe("registryOf", () => {
  it.each([
    ["busybox", "docker.io"],
    ["library/busybox:1", "docker.io"],
    ["docker.io/library/busybox", "docker.io"],
    ["index.docker.io/library/busybox", "docker.io"],
    ["registry.example.com/team/app:2", "registry.example.com"],
    ["localhost:5000/app", "localhost:5000"],
    ["localhost/app", "localhost"],
  ])("finds the registry of %s: %s", (image, registry) => {
    expect(registryOf(image)).toBe(registry);
  });

  it("normalises Docker Hub's many names", () => {
    expect(normaliseRegistry("https://index.docker.io/v1/")).toBe("docker.io");
    expect(normaliseRegistry("registry-1.docker.io")).toBe("docker.io");
    expect(normaliseRegistry("https://Registry.Example.com/v2/")).toBe("registry.example.com");
  });
});

describe("RegistryAuth", () => {
  let dir: string;
  const secret = "hunter2-do-not-log";

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "flotilla-auth-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function config(value: unknown) {
    await writeFile(join(dir, "config.json"), JSON.stringify(value));
  }

  /** A docker-credential-<name> script that answers for one registry and says "not found" otherwise. */
  async function helper(name: string, serverUrl: string, username: string) {
    const path = join(dir, `docker-credential-${name}`);
    const script = `#!/bin/sh
read server
if [ "$1" = get ] && [ "$server" = "${serverUrl}" ]; then
  printf '{"ServerURL":"%s","Username":"${username}","Secret":"${secret}"}' "$server"
else
  echo "credentials not found in native keychain"; exit 1
fi
`;
    await writeFile(path, script);
    await chmod(path, 0o755);
  }

  function auth(env: Record<string, string> = {}) {
    return new RegistryAuth({ env: { DOCKER_CONFIG: dir, PATH: `${dir}:${process.env.PATH}`, ...env } });
  }

  it("reads user and password from auths, for Docker Hub under its legacy key", async () => {
    await config({
      auths: { "https://index.docker.io/v1/": { auth: Buffer.from(`me:${secret}`).toString("base64") } },
    });
    expect(decode(await auth().headerFor("busybox"))).toEqual({
      username: "me",
      password: secret,
      serveraddress: "https://index.docker.io/v1/",
    });
    expect(await auth().headerFor("registry.example.com/app")).toBeUndefined();
  });

  it("asks the registry's credHelper, then the credsStore, through docker-credential-* programs", async () => {
    await helper("team", "registry.example.com", "robot");
    await helper("store", "https://index.docker.io/v1/", "<token>");
    await config({ credsStore: "store", credHelpers: { "registry.example.com": "team" } });
    const env = { PATH: `${dir}:${process.env.PATH}` };
    const found = new RegistryAuth({
      env: { DOCKER_CONFIG: dir },
      exec: (command, args, input) =>
        import("node:child_process").then(({ execFileSync }) =>
          execFileSync(join(dir, command), [...args], { input, env }).toString(),
        ),
    });
    expect(decode(await found.headerFor("registry.example.com/team/app"))).toEqual({
      username: "robot",
      password: secret,
      serveraddress: "registry.example.com",
    });
    expect(decode(await found.headerFor("busybox"))).toEqual({
      identitytoken: secret,
      serveraddress: "https://index.docker.io/v1/",
    });
    expect(await found.headerFor("other.example.com/app")).toBeUndefined();
  });

  it("runs helper programs found on the injected PATH", async () => {
    await helper("real", "registry.example.com", "robot");
    await config({ credHelpers: { "registry.example.com": "real" } });
    expect(decode(await auth().headerFor("registry.example.com/app"))).toMatchObject({
      username: "robot",
      password: secret,
    });
    expect(await auth().headerFor("docker.io/library/busybox")).toBeUndefined();
  });

  it("sends nothing when there is no config file", async () => {
    expect(await auth().headerFor("busybox")).toBeUndefined();
  });

  it("goes on without credentials when the helper is not installed, warning once", async () => {
    await config({ credsStore: "desktop", auths: { "https://index.docker.io/v1/": {} } });
    const warnings: unknown[] = [];
    const missing = new RegistryAuth({ env: { DOCKER_CONFIG: dir, PATH: dir } }, (w) => warnings.push(w));
    expect(await missing.headerFor("busybox")).toBeUndefined();
    expect(await missing.headerFor("registry.example.com/app")).toBeUndefined();
    expect(warnings).toEqual([
      {
        code: "FLOTILLA_CREDENTIAL_HELPER_MISSING",
        message: `docker-credential-desktop (named in ${join(dir, "config.json")}) is not installed; sending no registry credentials from it`,
      },
    ]);
  });

  it("keeps secrets out of the error when a helper fails", async () => {
    await config({ credsStore: "broken" });
    const failing = new RegistryAuth({
      env: { DOCKER_CONFIG: dir },
      exec: async () => {
        throw Object.assign(new Error(`helper crashed while holding ${secret}\nmore`), { stdout: "" });
      },
    });
    const error = await failing.headerFor("busybox").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryAuthError);
    expect((error as Error).message).not.toContain(secret);
  });
});
