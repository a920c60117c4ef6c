import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import type { EngineUnderTest, MultiNodeSwarm, SwarmNodeUnderTest } from "./provided-context.js";

// Finds the Docker engine that scripts/engine-up.sh started and tells every test about it.
// No engine: engine tests skip, after one line saying how to start one; with
// FLOTILLA_REQUIRE_ENGINE=1 (as in CI) that is a failure instead.

const DEFAULT_ENV_FILE = "/var/lib/flotilla-engine/engine.env";
const START_HINT = "start one with `sudo scripts/engine-up.sh` (see README: Engine tests)";
const SWARM_HINT = "start it with `sudo scripts/swarm-up.sh`";
const SWARM_UP = fileURLToPath(new URL("../../scripts/swarm-up.sh", import.meta.url));

/** Where scripts/engine-up.sh and scripts/swarm-up.sh write what they started. */
export function envFiles(env: NodeJS.ProcessEnv = process.env): { engine: string; swarm: string } {
  const engine = env.FLOTILLA_ENGINE_ENV ?? DEFAULT_ENV_FILE;
  return { engine, swarm: env.FLOTILLA_SWARM_ENV ?? join(dirname(engine), "swarm.env") };
}

/** engine.env, then swarm.env, then FLOTILLA_* variables. */
export function readEngineEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const values: Record<string, string> = {};
  for (const path of Object.values(envFiles(env))) {
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, "utf8").split("\n")) {
      const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (match) values[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1");
    }
  }
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith("FLOTILLA_") && value !== undefined) values[key] = value;
  }
  return values;
}

function ping(socketPath: string): Promise<string | null> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/_ping", timeout: 3000 }, (res) => {
      res.resume();
      const version = res.headers["api-version"];
      resolve(res.statusCode === 200 && typeof version === "string" ? version : null);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
    req.end();
  });
}

export function describeEngine(values: Record<string, string>, apiVersion: string): EngineUnderTest {
  const tlsHost = values.FLOTILLA_ENGINE_TLS_HOST;
  const tlsPort = values.FLOTILLA_ENGINE_TLS_PORT;
  const sshPort = values.FLOTILLA_SSH_PORT;
  return {
    socketPath: values.FLOTILLA_ENGINE_SOCKET ?? "/var/run/docker.sock",
    apiVersion,
    tls:
      tlsHost && tlsPort && values.FLOTILLA_ENGINE_CERT_PATH
        ? {
            host: tlsHost,
            port: Number(tlsPort),
            certPath: values.FLOTILLA_ENGINE_CERT_PATH,
            otherCaPath: values.FLOTILLA_ENGINE_OTHER_CA ?? "",
          }
        : null,
    ssh:
      sshPort && values.FLOTILLA_SSH_KEY && values.FLOTILLA_SSH_KNOWN_HOSTS
        ? {
            host: values.FLOTILLA_SSH_HOST ?? "127.0.0.1",
            port: Number(sshPort),
            user: values.FLOTILLA_SSH_USER ?? "root",
            identityFile: values.FLOTILLA_SSH_KEY,
            knownHostsFile: values.FLOTILLA_SSH_KNOWN_HOSTS,
          }
        : null,
    scratch: Object.fromEntries(
      (values.FLOTILLA_SCRATCH_ENGINES ?? "")
        .split(",")
        .filter(Boolean)
        .map((entry) => entry.split("=") as [string, string]),
    ),
    images: {
      current: values.FLOTILLA_TEST_IMAGE ?? "flotilla-test/busybox:latest",
      next: values.FLOTILLA_TEST_IMAGE_NEXT ?? "flotilla-test/busybox:next",
    },
    swarm: describeSwarm(values),
  };
}

/** FLOTILLA_SWARM_NODES: `HOSTNAME:ROLE:ADDRESS:SOCKET:PIDFILE`, comma-separated. */
export function describeSwarm(values: Record<string, string>, upScript = SWARM_UP): MultiNodeSwarm | null {
  const nodes = (values.FLOTILLA_SWARM_NODES ?? "")
    .split(",")
    .filter(Boolean)
    .map((entry): SwarmNodeUnderTest => {
      const [hostname = "", role, addr = "", socketPath = "", pidFile = ""] = entry.split(":");
      return { hostname, role: role === "worker" ? "worker" : "manager", addr, socketPath, pidFile };
    });
  const managers = nodes.filter((n) => n.role === "manager");
  const workers = nodes.filter((n) => n.role === "worker");
  if (managers.length === 0) return null;
  return {
    managers,
    workers,
    upCommand: ["bash", upScript, String(managers.length), "--workers", String(workers.length)],
  };
}

// Vitest runs global setup once per project, each in its own module instance; probe and report once.
const probes = globalThis as { flotillaEngineProbe?: Promise<EngineUnderTest | null> };

export default async function setup(project: TestProject): Promise<void> {
  probes.flotillaEngineProbe ??= detectEngine();
  project.provide("engine", await probes.flotillaEngineProbe);
}

async function detectEngine(): Promise<EngineUnderTest | null> {
  const values = readEngineEnv();
  // Test workers inherit this process's environment: tests that drive the docker CLI read it there.
  if (values.FLOTILLA_DOCKER_CLI) process.env.FLOTILLA_DOCKER_CLI ??= values.FLOTILLA_DOCKER_CLI;
  const required = values.FLOTILLA_REQUIRE_ENGINE === "1";
  const socketPath = values.FLOTILLA_ENGINE_SOCKET ?? "/var/run/docker.sock";
  const apiVersion = await ping(socketPath);
  if (apiVersion === null) {
    const why = `no Docker engine answered GET /_ping on ${socketPath}`;
    if (required) throw new Error(`FLOTILLA_REQUIRE_ENGINE=1 but ${why}; ${START_HINT}`);
    process.stderr.write(`engine tests skipped: ${why}; ${START_HINT}\n`);
    return null;
  }
  const engine = describeEngine(values, apiVersion);
  const missing = [
    engine.tls ? undefined : "its TLS endpoint",
    engine.ssh ? undefined : "its SSH endpoint",
    Object.keys(engine.scratch).length ? undefined : "scratch engines",
  ].filter(Boolean);
  if (required && missing.length > 0) {
    throw new Error(
      `FLOTILLA_REQUIRE_ENGINE=1 but ${missing.join(", ")} are not described in ` +
        `${values.FLOTILLA_ENGINE_ENV ?? DEFAULT_ENV_FILE}; ${START_HINT}`,
    );
  }
  if (required && !engine.swarm) {
    throw new Error(
      `FLOTILLA_REQUIRE_ENGINE=1 but no multi-node swarm is described in ${envFiles().swarm}; ${SWARM_HINT}`,
    );
  }
  return engine;
}
