import type { Client } from "@flotilla/client";
import type { SwarmSpec } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { CommandFailedError, UsageError } from "../../errors.js";
import { readAll } from "../../io.js";
import { parseCount, parseDuration } from "../../options/units.js";
import { printObject } from "../../output/format.js";

// The swarm's lifecycle and settings. Messages follow the docker CLI's (what a swarm user
// expects to read) but name flotilla's commands.

interface SpecFlags {
  taskHistoryLimit?: string;
  snapshotInterval?: string;
  maxSnapshots?: string;
  dispatcherHeartbeat?: string;
  certExpiry?: string;
  autolock?: boolean | string;
}

/** Only the settings given, in the engine's shape, to merge onto the current spec. */
export function specFromFlags(flags: SpecFlags): SwarmSpec {
  const spec: SwarmSpec = {};
  if (flags.taskHistoryLimit !== undefined)
    spec.Orchestration = {
      TaskHistoryRetentionLimit: parseCount(flags.taskHistoryLimit, "--task-history-limit"),
    };
  if (flags.snapshotInterval !== undefined || flags.maxSnapshots !== undefined) {
    spec.Raft = {
      ...(flags.snapshotInterval !== undefined && {
        SnapshotInterval: parseCount(flags.snapshotInterval, "--snapshot-interval"),
      }),
      ...(flags.maxSnapshots !== undefined && {
        KeepOldSnapshots: parseCount(flags.maxSnapshots, "--max-snapshots"),
      }),
    };
  }
  if (flags.dispatcherHeartbeat !== undefined)
    spec.Dispatcher = {
      HeartbeatPeriod: parseDuration(flags.dispatcherHeartbeat, "--dispatcher-heartbeat"),
    };
  if (flags.certExpiry !== undefined)
    spec.CAConfig = { NodeCertExpiry: parseDuration(flags.certExpiry, "--cert-expiry") };
  const autolock = parseBool(flags.autolock, "--autolock");
  if (autolock !== undefined) spec.EncryptionConfig = { AutoLockManagers: autolock };
  return spec;
}

function parseBool(value: boolean | string | undefined, option: string): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new UsageError(`${option}: "${value}" is not true or false`);
}

export async function init(
  context: CommandContext,
  _operands: string[],
  flags: SpecFlags & {
    advertiseAddr?: string;
    listenAddr: string;
    dataPathAddr?: string;
    dataPathPort?: string;
    defaultAddrPool?: string[];
    defaultAddrPoolMaskLength?: string;
    forceNewCluster?: boolean;
  },
): Promise<void> {
  const spec = specFromFlags(flags);
  const client = await context.client();
  const nodeId = await client.swarm.init({
    advertiseAddr: flags.advertiseAddr,
    listenAddr: flags.listenAddr,
    dataPathAddr: flags.dataPathAddr,
    dataPathPort:
      flags.dataPathPort === undefined ? undefined : parseCount(flags.dataPathPort, "--data-path-port"),
    defaultAddrPool: flags.defaultAddrPool,
    subnetSize:
      flags.defaultAddrPoolMaskLength === undefined
        ? undefined
        : parseCount(flags.defaultAddrPoolMaskLength, "--default-addr-pool-mask-length"),
    forceNewCluster: flags.forceNewCluster,
    spec: Object.keys(spec).length > 0 ? spec : undefined,
  });
  const out = context.stdout;
  out.write(`Swarm initialized: this node (${nodeId}) is now a manager.\n\n`);
  out.write(await joinInstructions(client, "worker"));
  out.write("To add a manager, run `flotilla swarm join-token manager` and follow its instructions.\n");
  if (spec.EncryptionConfig?.AutoLockManagers)
    out.write(`\n${unlockKeyText(await client.swarm.unlockKey())}`);
}

export async function join(
  context: CommandContext,
  [address]: string[],
  flags: { token: string; advertiseAddr?: string; listenAddr: string; dataPathAddr?: string },
): Promise<void> {
  const client = await context.client();
  await client.swarm.join({
    remoteAddrs: [address!],
    joinToken: flags.token,
    advertiseAddr: flags.advertiseAddr,
    listenAddr: flags.listenAddr,
    dataPathAddr: flags.dataPathAddr,
  });
  const info = await client.system.info();
  const role = info.Swarm?.ControlAvailable ? "manager" : "worker";
  context.stdout.write(`This node joined a swarm as a ${role}.\n`);
}

export async function joinToken(
  context: CommandContext,
  [role]: string[],
  flags: { quiet?: boolean; rotate?: boolean },
): Promise<void> {
  if (role !== "worker" && role !== "manager")
    throw new UsageError(`join-token: "${role}" is not a role; use worker or manager`);
  const client = await context.client();
  if (flags.rotate) {
    await client.swarm.update(role === "worker" ? { rotateWorkerToken: true } : { rotateManagerToken: true });
    if (!flags.quiet) context.stdout.write(`Rotated the ${role} join token.\n\n`);
  }
  if (flags.quiet) {
    const tokens = await client.swarm.joinTokens();
    context.stdout.write(`${(role === "worker" ? tokens.Worker : tokens.Manager) ?? ""}\n`);
    return;
  }
  context.stdout.write(await joinInstructions(client, role));
}

/** "To add a worker, run on it: flotilla swarm join --token ... ADDR". */
async function joinInstructions(client: Client, role: "worker" | "manager"): Promise<string> {
  const [tokens, info] = await Promise.all([client.swarm.joinTokens(), client.system.info()]);
  const token = role === "worker" ? tokens.Worker : tokens.Manager;
  const self = info.Swarm?.NodeID ? await client.nodes.get(info.Swarm.NodeID) : undefined;
  const address = self?.attrs.ManagerStatus?.Addr ?? info.Swarm?.RemoteManagers?.[0]?.Addr ?? "MANAGER:2377";
  return `To add a ${role} to this swarm, run on it:\n\n    flotilla swarm join --token ${token} ${address}\n\n`;
}

export async function leave(
  context: CommandContext,
  _operands: string[],
  flags: { force?: boolean },
): Promise<void> {
  const client = await context.client();
  await client.swarm.leave({ force: flags.force });
  context.stdout.write("Node left the swarm.\n");
}

export async function inspect(
  context: CommandContext,
  _operands: string[],
  flags: { format?: string },
): Promise<void> {
  const client = await context.client();
  const swarm = await client.swarm.inspect();
  printObject(context.stdout, flags.format ? swarm : [swarm], flags.format);
}

export async function update(context: CommandContext, _operands: string[], flags: SpecFlags): Promise<void> {
  const spec = specFromFlags(flags);
  if (Object.keys(spec).length === 0)
    throw new UsageError("swarm update: nothing to change; give at least one setting (see --help)");
  const client = await context.client();
  const before = await client.swarm.inspect();
  const after = await client.swarm.update({ spec, version: before.Version?.Index });
  context.stdout.write("Swarm updated.\n");
  const wasLocked = before.Spec?.EncryptionConfig?.AutoLockManagers === true;
  if (!wasLocked && after.Spec?.EncryptionConfig?.AutoLockManagers) {
    context.stdout.write(`\n${unlockKeyText(await client.swarm.unlockKey())}`);
  }
}

export async function unlock(context: CommandContext): Promise<void> {
  const stdin = context.io.stdin;
  if (stdin?.isTTY) context.stderr.write("Enter unlock key: ");
  const key = (await readAll(stdin, "swarm unlock")).toString("utf8").trim();
  if (key === "") throw new UsageError("swarm unlock: no key given on stdin");
  const client = await context.client();
  await client.swarm.unlock(key);
  context.stdout.write("Swarm unlocked.\n");
}

export async function unlockKey(
  context: CommandContext,
  _operands: string[],
  flags: { quiet?: boolean; rotate?: boolean },
): Promise<void> {
  const client = await context.client();
  if (flags.rotate) {
    const swarm = await client.swarm.inspect();
    if (!swarm.Spec?.EncryptionConfig?.AutoLockManagers) throw noKey();
    await client.swarm.update({ rotateManagerUnlockKey: true, version: swarm.Version?.Index });
    if (!flags.quiet) context.stdout.write("Rotated the manager unlock key.\n\n");
  }
  const key = await client.swarm.unlockKey();
  if (key === "") throw noKey();
  context.stdout.write(flags.quiet ? `${key}\n` : unlockKeyText(key));
}

function noKey(): CommandFailedError {
  return new CommandFailedError(
    "no unlock key is set: autolock is off (turn it on with `flotilla swarm update --autolock`)",
  );
}

function unlockKeyText(key: string): string {
  return (
    "Managers are locked at rest: after a restart, unlock each with `flotilla swarm unlock`\n" +
    `and this key:\n\n    ${key}\n\n` +
    "Keep it in a password manager: without it a restarted manager cannot rejoin the swarm.\n"
  );
}
