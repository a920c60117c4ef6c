import { execFile } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type PackedPackage, packAll, run } from "./pack.js";

// The packed CLI installed alone, as a user installs it: `npm i -g` of its tarball into a prefix
// of its own, nothing else from the workspace. What runs is the prefix's bin/flotilla: the bundle
// and the one dependency npm fetched for it (ssh2).

const engine = inject("engine");
const scratch = mkdtempSync(join(tmpdir(), "flotilla-cli-global-"));
const prefix = join(scratch, "prefix");
const home = join(scratch, "home");
const flotillaBin = join(prefix, "bin", "flotilla");
const service = `cli-global-${Math.random().toString(36).slice(2, 8)}`;
let cli: PackedPackage;

/** The installed `flotilla`, from a home of its own (no docker config, its own cache directory). */
function flotilla(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      flotillaBin,
      args,
      {
        env: {
          PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
          HOME: home,
          XDG_CACHE_HOME: join(home, ".cache"),
          ...env,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  mkdirSync(join(scratch, "tarballs"));
  mkdirSync(home);
  cli = (await packAll(join(scratch, "tarballs"), "cli"))[0]!;
  await run(
    "npm",
    ["install", "--global", "--prefix", prefix, "--no-audit", "--no-fund", "--prefer-offline", cli.tarball],
    { cwd: scratch, env: { ...process.env, npm_config_loglevel: "error" } },
  );
}, 180_000);
afterAll(async () => {
  if (engine) await flotilla(["service", "rm", service], { DOCKER_HOST: `unix://${engine.socketPath}` });
  rmSync(scratch, { recursive: true, force: true });
});

describe("the CLI installed alone with `npm i -g`", () => {
  it("installs the bundle and ssh2, none of what the bundle holds", () => {
    const installed = join(prefix, "lib/node_modules/@flotilla/cli");
    expect(readdirSync(join(prefix, "lib/node_modules"))).toEqual(["@flotilla"]);
    expect(readdirSync(join(prefix, "lib/node_modules/@flotilla"))).toEqual(["cli"]);
    const dependencies = readdirSync(join(installed, "node_modules"));
    expect(dependencies).toContain("ssh2");
    for (const held of ["@flotilla", "commander", "undici", "zod", "yaml"])
      expect(dependencies).not.toContain(held);
  });

  it("prints its version", async () => {
    expect(await flotilla(["--version"])).toEqual({
      code: 0,
      stdout: `${cli.manifest.version}\n`,
      stderr: "",
    });
  });

  it("runs the short demo on its simulated swarm", async () => {
    const { code, stdout, stderr } = await flotilla(["demo", "--short"]);
    expect(stderr).not.toMatch(/^flotilla: /m);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\* +node-1 +Ready +Active +Leader/);
    expect(stdout).toContain("$ flotilla service rm web\nweb\n");
    expect(stdout).toContain("That was flotilla.");
  });
});

describe("the CLI installed alone reads compose files", () => {
  // The Compose schema ships beside the bundle (dist/chunks/compose.schema.json): no dclint installed.
  it("validates and prints a compose file with `stack config`", async () => {
    const file = join(scratch, "compose.yml");
    writeFileSync(file, "services:\n  web:\n    image: busybox\n    deploy:\n      replicas: 2\n");
    const { code, stdout, stderr } = await flotilla(["stack", "config", "-c", file]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}web:$/m);
    expect(stdout).toMatch(/replicas: 2/);
  });

  it("refuses a file the schema refuses, naming the path", async () => {
    const file = join(scratch, "bad-compose.yml");
    writeFileSync(file, "services:\n  web:\n    image: busybox\n    deploy:\n      replicas: two\n");
    const { code, stderr } = await flotilla(["stack", "config", "-c", file]);
    expect(code).not.toBe(0);
    expect(stderr).toContain("services.web.deploy.replicas");
  });
});

describe.skipIf(!engine)("the CLI installed alone, against the real engine", () => {
  const unix = () => ({ DOCKER_HOST: `unix://${engine!.socketPath}` });
  const listing = ["service", "ls", "--filter", `name=${service}`, "--format", "{{.Name}} {{.Mode}}"];

  it("creates a service and lists it with `service ls`", async () => {
    const created = await flotilla(["service", "create", service, engine!.images.current], unix());
    expect(created.code, created.stderr).toBe(0);
    expect(await flotilla(listing, unix())).toEqual({
      code: 0,
      stdout: `${service} replicated\n`,
      stderr: "",
    });
  });

  // ssh2 is the one module the bundle requires from the install: this proves npm's layout has it.
  it.skipIf(!engine?.ssh)("reaches the engine over SSH, with ssh2 from its own install", async () => {
    const ssh = engine!.ssh!;
    const sshHome = mkdtempSync(join(scratch, "ssh-home-"));
    mkdirSync(join(sshHome, ".ssh"), { mode: 0o700 });
    writeFileSync(join(sshHome, ".ssh/id_ed25519"), readFileSync(ssh.identityFile), { mode: 0o600 });
    copyFileSync(ssh.knownHostsFile, join(sshHome, ".ssh/known_hosts"));
    const result = await flotilla(["service", "ls", "--format", "{{.Name}}"], {
      HOME: sshHome,
      DOCKER_HOST: `ssh://${ssh.user}@${ssh.host}:${ssh.port}`,
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")).toContain(service);
  });
});
