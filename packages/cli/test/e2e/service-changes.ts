import { expect } from "vitest";
import type { CliResult } from "./harness.js";

// What `service update --network-*`, min health and links do, written once and run against the
// real engine (service-changes.engine.test.ts) and the fake (service-changes.test.ts).

export interface Cli {
  run(argv: string[]): Promise<CliResult>;
  ok(argv: string[]): Promise<CliResult>;
  /** A unique name for a service or network this run makes (removed after the file's tests). */
  service(what: string): string;
  network(what: string): string;
  image: string;
}

async function specOf(cli: Cli, name: string) {
  const [inspected] = JSON.parse((await cli.ok(["service", "inspect", name])).stdout);
  return inspected.Spec;
}

async function networkIdOf(cli: Cli, name: string): Promise<string> {
  const [inspected] = JSON.parse((await cli.ok(["network", "inspect", name])).stdout);
  return inspected.Id;
}

/** `read()` once it gives `wanted`, or what it gives when `timeoutMs` have passed. */
async function settles<T>(read: () => Promise<T>, wanted: T, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value === wanted || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function networkNames(cli: Cli): Promise<string[]> {
  return (await cli.ok(["network", "ls", "--format", "{{.Name}}"])).stdout.trim().split("\n");
}

export async function networkFlagsResolveAndRefuse(cli: Cli): Promise<void> {
  const one = cli.network("one");
  const two = cli.network("two");
  await cli.ok(["network", "create", one]);
  await cli.ok(["network", "create", two]);
  const name = cli.service("nets");
  await cli.ok(["service", "create", name, cli.image, "--network", one, "-q"]);
  const oneId = await networkIdOf(cli, one);
  const twoId = await networkIdOf(cli, two);
  const targets = async () =>
    ((await specOf(cli, name)).TaskTemplate.Networks ?? []).map((n: { Target: string }) => n.Target);
  expect(await targets()).toEqual([oneId]);

  expect(await cli.run(["service", "update", name, "--network-rm", two])).toMatchObject({
    code: 2,
    stderr: `flotilla: --network-rm: service "${name}" is not attached to network "${two}"\n`,
  });
  expect(await cli.run(["service", "update", name, "--network-add", one])).toMatchObject({
    code: 2,
    stderr: `flotilla: --network-add: service "${name}" is already attached to network "${one}"\n`,
  });
  const missing = `${one}-missing`;
  expect(await cli.run(["service", "update", name, "--network-rm", missing])).toMatchObject({
    code: 2,
    stderr: `flotilla: --network-rm: network "${missing}" not found\n`,
  });
  expect(await targets()).toEqual([oneId]);

  // By ID prefix and by name alike; removal comes first, so rm and add of one network re-attaches.
  await cli.ok(["service", "update", name, "--network-add", twoId.slice(0, 12)]);
  expect(await targets()).toEqual([oneId, twoId]);
  await cli.ok(["service", "update", name, "--network-rm", one, "--network-rm", twoId]);
  expect(await targets()).toEqual([]);
  await cli.ok(["service", "update", name, "--network-add", one]);
  await cli.ok(["service", "update", name, "--network-rm", one, "--network-add", one]);
  expect(await targets()).toEqual([oneId]);
  await cli.ok(["service", "rm", name]);
}

export async function minHealthHoldsAfterScale(cli: Cli): Promise<void> {
  const name = cli.service("health");
  await cli.ok(["service", "create", name, cli.image, "--instances", "2", "--deploy-min-health", "0.5"]);
  const parallelism = async () => (await specOf(cli, name)).UpdateConfig?.Parallelism;
  expect(await parallelism()).toBe(1);
  expect((await specOf(cli, name)).Labels["io.flotilla.min-health"]).toBe("0.5");
  expect((await cli.ok(["service", "show", name])).stdout).toMatch(/^ {4}min health: 0\.5$/m);
  await cli.ok(["service", "scale", name, "8"]);
  expect(await parallelism()).toBe(4);
  await cli.ok(["service", "update", name, "--instances", "4", "-q"]);
  expect(await parallelism()).toBe(2);
  await cli.ok(["service", "update", name, "--deploy-min-health", "0.75", "-q"]);
  expect(await parallelism()).toBe(1);
  expect(
    await cli.run(["service", "update", name, "--deploy-min-health", "0.5", "--update-parallelism", "3"]),
  ).toMatchObject({
    code: 2,
    stderr: "flotilla: --deploy-min-health conflicts with --update-parallelism: give one\n",
  });
  // A fixed parallelism replaces the ratio: a later scale keeps it.
  await cli.ok(["service", "update", name, "--update-parallelism", "3", "-q"]);
  await cli.ok(["service", "scale", name, "10"]);
  expect(await parallelism()).toBe(3);
  expect((await specOf(cli, name)).Labels["io.flotilla.min-health"]).toBeUndefined();
  await cli.ok(["service", "rm", name]);
}

export async function linksChangeNothingForAFailedCreate(cli: Cli): Promise<void> {
  const db = cli.service("db");
  const taken = cli.service("taken");
  await cli.ok(["service", "create", db, cli.image, "--cmd", "sleep 3600", "--deploy", "-q"]);
  await cli.ok(["service", "create", taken, cli.image]);
  const before = await specOf(cli, db);
  const failed = await cli.run(["service", "create", taken, cli.image, "--link", `${db}:database`]);
  expect(failed).toMatchObject({ code: 1, stderr: `flotilla: service "${taken}" already exists\n` });
  expect(await specOf(cli, db)).toEqual(before);
  expect(await networkNames(cli)).not.toContain(`flotilla-link-${db}`);
}

export async function linksSayWhatRestartsAndRemovalReleases(cli: Cli): Promise<void> {
  const db = cli.service("ldb");
  const app = cli.service("lapp");
  const network = `flotilla-link-${db}`;
  await cli.ok([
    "service",
    "create",
    db,
    cli.image,
    "--cmd",
    "sleep 3600",
    "--instances",
    "2",
    "--deploy",
    "-q",
  ]);
  const created = await cli.ok(["service", "create", app, cli.image, "--link", `${db}:database`]);
  expect(created.stderr).toBe(
    `created overlay network ${network} for links to ${db}\n` +
      `${db}: joins network ${network} as "database", which restarts its 2 instances\n` +
      `${app}: registered; start it with \`flotilla service deploy ${app}\`\n`,
  );
  const removed = await cli.ok(["service", "rm", db]);
  expect(removed.stderr).toBe(
    `warning: ${app} still links to ${db} through network ${network}; to detach: flotilla service unlink ${app} ${db}\n`,
  );
  expect(await networkNames(cli)).toContain(network);
  const unlinked = await cli.ok(["service", "unlink", app, db]);
  expect(unlinked.stderr).toBe(`removed network ${network}: nothing links to ${db} any more\n`);
  // The engine lists an overlay network its node still has set up for a while after the swarm
  // removed it, until the node's agent tears it down.
  expect(await settles(async () => (await networkNames(cli)).includes(network), false, 30_000)).toBe(false);
}

export async function showNamesLinkNetworks(cli: Cli): Promise<void> {
  const db = cli.service("sdb");
  const app = cli.service("sapp");
  const network = `flotilla-link-${db}`;
  await cli.ok(["service", "create", db, cli.image]);
  await cli.ok(["service", "create", app, cli.image, "--link", `${db}:database`]);
  const networksOf = async (name: string) => {
    const after = (await cli.ok(["service", "show", name])).stdout.split("\n  networks:\n")[1] ?? "";
    const lines = after.split("\n");
    const end = lines.findIndex((line) => !line.startsWith("    - "));
    return lines.slice(0, end);
  };
  // The spec holds the network's ID; show names it, the link it carries and the target's alias.
  expect(await networksOf(app)).toEqual([`    - ${network} (link to ${db})`]);
  expect(await networksOf(db)).toEqual([`    - ${network} (link to ${db}) (as database)`]);
  await cli.ok(["service", "unlink", app, db]);
  await cli.ok(["service", "rm", app, db]);
}
