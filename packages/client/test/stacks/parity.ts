import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ServiceSpec } from "@flotilla/types";
import { expect } from "vitest";
import { stringify } from "yaml";
import type { Client } from "../../src/index.js";
import { StackDeployError } from "../../src/index.js";

// One compose file with every field the stack deploy covers (fixtures/full), deployed once by the
// docker CLI and once by flotilla under other names; what each created must be the same object
// for object once names, IDs, times and the per-stack ports and subnet are masked.

const FIXTURE = new URL("./fixtures/full/", import.meta.url).pathname;
const dockerConfig = mkdtempSync(join(tmpdir(), "flotilla-stack-docker-config-"));
const cli = process.env.FLOTILLA_DOCKER_CLI ?? "docker";

export interface Target {
  dockerHost: string;
  client: Client;
}

export interface Ran {
  stdout: string;
  stderr: string;
  code: number;
}

export function docker(target: Target, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      cli,
      args,
      {
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: "/root",
          DOCKER_HOST: target.dockerHost,
          DOCKER_CONFIG: dockerConfig,
          DOCKER_CLI_HINTS: "false",
          ...env,
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) => resolve({ stdout, stderr, code: error ? Number(error.code ?? 1) : 0 }),
    );
  });
}

/** A folder with the fixture's files, so a test can add files beside them. */
export function fixtureCopy(): string {
  const folder = mkdtempSync(join(tmpdir(), "flotilla-stack-"));
  cpSync(FIXTURE, folder, { recursive: true });
  return folder;
}

/** The fixture's compose file without the `once` service, beside it (for --prune). */
export function prunedFile(folder: string): string {
  // Cut as text: a YAML round trip would change other services (`mode: 0400` is octal to docker).
  const text = readFileSync(join(folder, "compose.yml"), "utf8");
  const pruned = text.replace(/^ {2}once:\n(?: {4}.*\n|\n)*/m, "");
  if (pruned === text) throw new Error("the fixture has no service `once` to prune");
  const path = join(folder, "pruned.yml");
  writeFileSync(path, pruned);
  return path;
}

let portBase = 21000 + Math.floor(Math.random() * 4000) * 2;
/** The variables one stack's deploy reads: its own ports and subnet, so two stacks coexist. */
export function stackEnv(): Record<string, string> {
  portBase += 3;
  const base = portBase;
  return {
    WEB_PORT: String(base),
    HOST_PORT: String(base + 1),
    UDP_PORT: String(base + 2),
    BACK_SUBNET: `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}.0/24`,
    FROM_ENV: "from the environment",
  };
}

type Json = unknown;

function mask(value: Json, stack: string, env: Record<string, string>): Json {
  const replacements: [string, string][] = [
    [stack, "<stack>"],
    ...Object.entries(env).map(([k, v]): [string, string] => [v, `<${k}>`]),
  ];
  const walk = (v: Json): Json => {
    if (typeof v === "string") return replacements.reduce((s, [from, to]) => s.split(from).join(to), v);
    if (typeof v === "number") {
      const named = Object.entries(env).find(([, text]) => text === String(v));
      return named ? `<${named[0]}>` : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const out: Record<string, Json> = {};
      for (const [key, item] of Object.entries(v)) {
        if (["ID", "Id", "Version", "CreatedAt", "UpdatedAt", "Created"].includes(key)) continue;
        out[walk(key) as string] = walk(item);
      }
      return out;
    }
    return v;
  };
  return walk(value);
}

function byName<T>(items: T[], name: (item: T) => string | undefined): Record<string, T> {
  return Object.fromEntries(items.map((item) => [name(item) ?? "", item]));
}

/** What a stack is made of, masked: service, network, secret and config specs. */
export async function stackObjects(client: Client, stack: string, env: Record<string, string>) {
  const allNetworks = await client.raw("GET /networks");
  const networkNames = new Map(allNetworks.map((n) => [n.Id, n.Name]));
  // The engine keeps network IDs; an ID says nothing, the name it stands for does.
  const named = (spec: ServiceSpec | undefined) => {
    const container = spec?.TaskTemplate?.ContainerSpec;
    const refs = <T extends { File?: { Name?: string } }>(
      list: T[] | undefined,
      name: (r: T) => string | undefined,
    ) =>
      list
        ?.map((r) => ({ ...r, SecretID: undefined, ConfigID: undefined }))
        .sort((a, b) => `${name(a)} ${a.File?.Name}`.localeCompare(`${name(b)} ${b.File?.Name}`));
    return {
      ...spec,
      TaskTemplate: {
        ...spec?.TaskTemplate,
        ContainerSpec: {
          ...container,
          Secrets: refs(container?.Secrets, (r) => r.SecretName),
          Configs: refs(container?.Configs, (r) => r.ConfigName),
        },
        Networks: spec?.TaskTemplate?.Networks?.map((n) => ({
          ...n,
          Target: networkNames.get(n.Target) ?? n.Target,
        })),
      },
    };
  };
  const query = { filters: JSON.stringify({ label: [`com.docker.stack.namespace=${stack}`] }) };
  const [services, networks, secrets, configs] = await Promise.all([
    client.raw("GET /services", { query }),
    client.raw("GET /networks", { query }),
    client.raw("GET /secrets", { query }),
    client.raw("GET /configs", { query }),
  ]);
  return mask(
    {
      services: byName(
        services.map((s) => named(s.Spec)),
        (s) => s?.Name,
      ),
      networks: byName(
        networks.map((n) => ({
          Name: n.Name,
          Driver: n.Driver,
          Scope: n.Scope,
          Internal: n.Internal,
          Attachable: n.Attachable,
          Ingress: n.Ingress,
          EnableIPv6: n.EnableIPv6,
          // The VXLAN ID is the allocator's choice.
          Options: { ...n.Options, "com.docker.network.driver.overlay.vxlanid_list": undefined },
          Labels: n.Labels,
          IPAM: {
            Driver: n.IPAM?.Driver,
            Options: n.IPAM?.Options,
            // Subnets the allocator chose differ; a subnet the file asked for is compared.
            Config: n.IPAM?.Config?.map((c) => (c.Subnet?.startsWith("10.0.") ? {} : { Subnet: c.Subnet })),
          },
        })),
        (n) => n.Name,
      ),
      secrets: byName(
        secrets.map((s) => s.Spec),
        (s) => s?.Name,
      ),
      configs: byName(
        configs.map((c) => c.Spec),
        (c) => c?.Name,
      ),
    },
    stack,
    env,
  );
}

/** Polls until `done` holds, for at most `ms`. */
export async function eventually(done: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await sleep(250);
  }
}

/** Until every service of the stack runs its tasks (jobs: completed them). */
export async function converged(client: Client, stack: string): Promise<void> {
  const services = await client.stacks.services(stack);
  await Promise.all(services.map((s) => client.services.waitUntilConverged(s.id, { timeout: 120_000 })));
}

/**
 * The named volumes the stack's mounts made (`docker stack rm` leaves them, by design); a
 * container that still holds one is gone within moments, so removal is tried again for a while.
 */
export async function removeStackVolumes(target: Target, stack: string): Promise<void> {
  const list = () =>
    docker(target, ["volume", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`]);
  await eventually(async () => {
    const names = (await list()).stdout.split("\n").filter(Boolean);
    if (names.length === 0) return true;
    await docker(target, ["volume", "rm", ...names]);
    return false;
  }, 60_000).catch(() => {});
}

export async function removeQuietly(client: Client, stack: string): Promise<void> {
  // A network goes only once its tasks have; remove again until nothing is left.
  await eventually(async () => !(await client.stacks.remove(stack).catch(() => true)), 60_000).catch(
    () => {},
  );
}

export async function expectDeployFailsWithTaskErrors(target: Target, stack: string): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "flotilla-stack-failing-"));
  const file = join(folder, "compose.yml");
  writeFileSync(
    file,
    stringify({
      services: {
        crash: {
          image: "flotilla-test/busybox:latest",
          command: ["sh", "-c", "exit 3"],
          deploy: { restart_policy: { condition: "any", delay: "100ms" } },
        },
      },
    }),
  );
  const failure = await target.client.stacks
    .deploy(stack, [file], { env: {}, convergence: { timeout: 60_000 } })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(failure).toBeInstanceOf(StackDeployError);
  const error = failure as StackDeployError;
  expect(error.failures.map((f) => f.service)).toEqual([`${stack}_crash`]);
  expect(error.failures[0]!.error.tasks.length).toBeGreaterThan(0);
  expect(error.message).toContain("exit (3)");
}
