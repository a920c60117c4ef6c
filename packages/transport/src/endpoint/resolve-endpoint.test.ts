import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readFileIfExists } from "../environment.js";
import { normalizeHost } from "./parse-host.js";
import { resolveEndpoint } from "./resolve-endpoint.js";

// Contexts are made by the real docker CLI in a throwaway DOCKER_CONFIG, so this reads exactly
// what the CLI writes.

const DOCKER = "/usr/local/bin/docker";
const hasCli = existsSync(DOCKER);

function dockerConfig(): { dir: string; home: string; docker: (...args: string[]) => void } {
  const home = mkdtempSync(join(tmpdir(), "flotilla-home-"));
  const dir = join(home, "docker-config");
  mkdirSync(dir);
  const docker = (...args: string[]) =>
    execFileSync(DOCKER, args, {
      env: { PATH: process.env.PATH, HOME: home, DOCKER_CONFIG: dir },
      stdio: "pipe",
    });
  return { dir, home, docker };
}

/** A self-signed key pair, since the CLI checks that what it stores parses. */
function certDir(home: string): string {
  const dir = join(home, "certs");
  mkdirSync(dir);
  execFileSync(
    "openssl",
    [
      ...[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
      ],
      ...["-subj", "/CN=flotilla-test", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
    ],
    { stdio: "pipe" },
  );
  copyFileSync(join(dir, "cert.pem"), join(dir, "ca.pem"));
  return dir;
}

const resolve = (
  env: Record<string, string>,
  home: string,
  options: { host?: string; context?: string } = {},
) =>
  resolveEndpoint({
    ...options,
    environment: { env, homedir: home, platform: "linux", readFile: readFileIfExists },
  });

describe("normalizeHost", () => {
  it.each([
    ["tcp://10.0.0.1", false, "tcp://10.0.0.1:2375"],
    ["tcp://10.0.0.1", true, "tcp://10.0.0.1:2376"],
    ["10.0.0.1:1234", false, "tcp://10.0.0.1:1234"],
    ["unix://", false, "unix:///var/run/docker.sock"],
    ["unix:///tmp/d.sock", false, "unix:///tmp/d.sock"],
    ["ssh://me@box:2200", false, "ssh://me@box:2200"],
    ["npipe://", false, "npipe:////./pipe/docker_engine"],
  ])("reads %s (tls %s) as %s", (raw, tls, want) => {
    expect(normalizeHost(raw, tls).host).toBe(want);
  });

  it("refuses a scheme the engine does not listen on", () => {
    expect(() => normalizeHost("http://x", false)).toThrow(expect.objectContaining({ code: "ERR_ENDPOINT" }));
  });
});

describe.skipIf(!hasCli)("resolveEndpoint, against contexts made by the docker CLI", () => {
  it("falls back to the default socket and says so", () => {
    const { home } = dockerConfig();
    expect(resolve({}, home)).toMatchObject({ host: "unix:///var/run/docker.sock", source: "default" });
  });

  it("uses the CLI's current context, with its TLS files", () => {
    const { dir, home, docker } = dockerConfig();
    const certs = certDir(home);
    docker(
      "context",
      "create",
      "remote",
      "--docker",
      `host=tcp://10.1.2.3:2376,ca=${certs}/ca.pem,cert=${certs}/cert.pem,key=${certs}/key.pem`,
    );
    docker("context", "use", "remote");
    const endpoint = resolve({ DOCKER_CONFIG: dir }, home);
    expect(endpoint).toMatchObject({ host: "tcp://10.1.2.3:2376", source: "config", context: "remote" });
    expect(endpoint.tls).toMatchObject({ verify: true });
    expect(endpoint.tls?.ca?.toString()).toBe(readFileSync(join(certs, "ca.pem"), "utf8"));
    expect(endpoint.tls?.key?.toString()).toContain("PRIVATE KEY");
  });

  it("reads skip-tls-verify as TLS without verification", () => {
    const { dir, home, docker } = dockerConfig();
    docker("context", "create", "lax", "--docker", "host=tcp://10.1.2.3:2376,skip-tls-verify=true");
    expect(resolve({ DOCKER_CONFIG: dir }, home, { context: "lax" }).tls).toMatchObject({ verify: false });
  });

  it("lets DOCKER_CONTEXT win over the current context", () => {
    const { dir, home, docker } = dockerConfig();
    docker("context", "create", "ctx-a", "--docker", "host=ssh://root@a.example");
    docker("context", "create", "ctx-b", "--docker", "host=unix:///tmp/b.sock");
    docker("context", "use", "ctx-a");
    expect(resolve({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: "ctx-b" }, home)).toMatchObject({
      host: "unix:///tmp/b.sock",
      source: "DOCKER_CONTEXT",
      context: "ctx-b",
    });
  });

  it("lets DOCKER_HOST win over DOCKER_CONTEXT, with TLS from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH", () => {
    const { dir, home, docker } = dockerConfig();
    docker("context", "create", "ctx-b", "--docker", "host=unix:///tmp/b.sock");
    const certs = certDir(home);
    const env = {
      DOCKER_CONFIG: dir,
      DOCKER_CONTEXT: "ctx-b",
      DOCKER_HOST: "tcp://10.9.9.9",
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: certs,
    };
    const endpoint = resolve(env, home);
    expect(endpoint).toMatchObject({
      host: "tcp://10.9.9.9:2376",
      source: "DOCKER_HOST",
      context: undefined,
    });
    expect(endpoint.tls).toMatchObject({ verify: true, from: certs });
    expect(endpoint.tls?.cert?.toString()).toBe(readFileSync(join(certs, "cert.pem"), "utf8"));
  });

  it("lets an explicit host win over everything", () => {
    const { dir, home } = dockerConfig();
    expect(
      resolve({ DOCKER_CONFIG: dir, DOCKER_HOST: "tcp://10.9.9.9" }, home, { host: "unix:///x.sock" }),
    ).toMatchObject({
      host: "unix:///x.sock",
      source: "option",
    });
  });

  it("finds ~/.docker when DOCKER_CONFIG is unset", () => {
    const home = mkdtempSync(join(tmpdir(), "flotilla-home-"));
    execFileSync(DOCKER, ["context", "create", "here", "--docker", "host=unix:///tmp/here.sock"], {
      env: { PATH: process.env.PATH, HOME: home },
      stdio: "pipe",
    });
    expect(resolve({}, home, { context: "here" })).toMatchObject({
      host: "unix:///tmp/here.sock",
      context: "here",
    });
  });

  it("names a context that does not exist and where it came from", () => {
    const { dir, home } = dockerConfig();
    expect(() => resolve({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: "nope" }, home)).toThrow(
      /context "nope" \(from DOCKER_CONTEXT\)/,
    );
  });

  it("treats the context named default as DOCKER_HOST or the default socket", () => {
    const { dir, home } = dockerConfig();
    expect(resolve({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: "default" }, home)).toMatchObject({
      host: "unix:///var/run/docker.sock",
      source: "DOCKER_CONTEXT",
    });
  });
});
