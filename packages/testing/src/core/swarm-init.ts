import { isIP } from "node:net";
import type { SwarmInitRequest, SwarmSpec } from "@flotilla/types";
import { DEFAULT_POOL, DEFAULT_SUBNET_SIZE } from "./addresses.js";
import { EngineError } from "./errors.js";

// POST /swarm/init's request as Docker 20.10 takes it, once decoded (api/ reads the body): the
// addresses resolved against the machine's interfaces, the address pool and data path port
// checked, and the spec filled in, each in the engine's order and words (measured against a
// 20.10 engine; see packages/testing/test/swarm-init.engine.test.ts).

/** The addresses the simulated machine has, by interface, as an engine's host would. */
export interface Machine {
  interfaces: Record<string, string[]>;
}

/** A machine with a loopback interface and one other, holding `address`. */
export function machineWith(address: string): Machine {
  return { interfaces: { lo: ["127.0.0.1", "::1"], eth0: [address] } };
}

/** What the new swarm and its first node take from the request. */
export interface InitParameters {
  /** The node's `Status.Addr` and /info `Swarm.NodeAddr`: an IP, without a port. */
  nodeAddr: string;
  /** Its `ManagerStatus.Addr`, and the address the join commands name. */
  managerAddr: string;
  /** null when the request sent an empty pool list: the engine then reports none. */
  defaultAddrPool: string[] | null;
  subnetSize: number;
  dataPathPort: number;
  /** The first node's availability. */
  availability: "active" | "pause" | "drain";
  spec: SwarmSpec;
}

/** What `docker swarm init` sends with no flags but --advertise-addr (measured with docker CLI 28). */
export function cliInitRequest(advertiseAddr = ""): Omit<SwarmInitRequest, "Spec"> {
  return {
    ListenAddr: "0.0.0.0:2377",
    AdvertiseAddr: advertiseAddr,
    DataPathAddr: "",
    DataPathPort: 0,
    DefaultAddrPool: [],
    SubnetSize: 24,
  };
}

const DEFAULT_DATA_PATH_PORT = 4789;
const SWARM_PORT = "2377";
/** A node's availabilities, which the engine reads in any case. */
const AVAILABILITIES = new Set(["active", "pause", "drain"]);
/** The widest subnet size swarm's pool allocator takes (a /29 still has hosts). */
const MAX_SUBNET_SIZE = 29;

/**
 * An init request, decoded by the API layer, resolved into what the swarm is made with; throws
 * the engine's refusal.
 */
export function resolveInitRequest(request: SwarmInitRequest, machine: Machine): InitParameters {
  const spec = request.Spec ?? {};
  if (spec.Name && spec.Name !== "default") {
    throw new EngineError("InvalidParameter", 'swarm spec must be named "default"');
  }
  const listen = listenAddress(request.ListenAddr ?? "", machine);
  const advertise = advertiseAddress(request.AdvertiseAddr ?? "", listen, machine);
  dataPathAddress(request.DataPathAddr ?? "", machine);
  const pool = request.DefaultAddrPool;
  const size = request.SubnetSize ?? 0;
  if (pool !== undefined) checkPool(pool, size);
  const port = request.DataPathPort ?? 0;
  if (port !== 0 && (port < 1024 || port > 49151)) {
    throw new EngineError("Unknown", `Datapath port number is not in valid range (1024-49151) : ${port}`);
  }
  const availability = (request.Availability ?? "").toLowerCase() || "active";
  if (!AVAILABILITIES.has(availability)) {
    throw new EngineError("Unknown", `invalid Availability: ${JSON.stringify(request.Availability)}`);
  }
  checkListens(listen, machine);
  const absent = pool === undefined;
  return {
    nodeAddr: advertise.ip,
    managerAddr: joinHostPort(advertise.ip, advertise.port),
    // No pool at all: the engine's default; an empty list: none reported, and the size as sent.
    defaultAddrPool: absent ? [...DEFAULT_POOL] : pool.length > 0 ? [...pool] : null,
    subnetSize: absent ? DEFAULT_SUBNET_SIZE : size,
    dataPathPort: port || DEFAULT_DATA_PATH_PORT,
    availability: availability as InitParameters["availability"],
    spec: initialSpec(spec),
  };
}

interface HostPort {
  host: string;
  port: string | undefined;
}

/** Go's SplitHostPort, falling back to the whole text as a host (an IPv6 literal, or no port). */
function splitHostPort(text: string): HostPort {
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2]! };
  const colons = text.split(":").length - 1;
  if (colons === 1 && !text.startsWith("[")) {
    const [host = "", port = ""] = text.split(":");
    return { host, port };
  }
  return { host: text, port: undefined };
}

function joinHostPort(host: string, port: string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

const isZero = (ip: string) => ip === "0.0.0.0" || /^[0:]+$/.test(ip);

/** An IP as given, or an interface's first address; undefined when it is neither. */
function resolveHost(host: string, machine: Machine): string | undefined {
  if (isIP(host)) return host;
  // An interface by its own name: `constructor` names no interface.
  const addresses = Object.hasOwn(machine.interfaces, host) ? machine.interfaces[host] : undefined;
  return addresses?.find((a) => isIP(a) === 4) ?? addresses?.[0];
}

const isSystemAddress = (ip: string, machine: Machine) =>
  Object.values(machine.interfaces).some((addresses) => addresses.includes(ip));

function listenAddress(text: string, machine: Machine): HostPort {
  if (text === "") throw new EngineError("InvalidParameter", 'invalid ListenAddr "": invalid empty address');
  const { host, port } = splitHostPort(text);
  const ip = host === "" ? "0.0.0.0" : resolveHost(host, machine);
  if (ip === undefined) {
    throw new EngineError(
      "InvalidParameter",
      "listen address must be an IP address or network interface (with optional port number)",
    );
  }
  return { host: ip, port: port ?? SWARM_PORT };
}

function advertiseAddress(text: string, listen: HostPort, machine: Machine): { ip: string; port: string } {
  const primary = machine.interfaces.eth0?.[0] ?? "";
  if (text === "") {
    // Without one, the engine advertises the address it listens on when that is a specific,
    // non-loopback one, and otherwise the machine's own address.
    const specific = !isZero(listen.host) && !listen.host.startsWith("127.") && listen.host !== "::1";
    return { ip: specific ? listen.host : primary, port: listen.port! };
  }
  const { host, port } = splitHostPort(text);
  const ip = resolveHost(host, machine);
  if (ip === undefined || isZero(ip)) {
    throw new EngineError(
      "InvalidParameter",
      "advertise address must be a non-zero IP address or network interface (with optional port number)",
    );
  }
  // The engine checks the port no further than that it splits off: it reports it as given.
  return { ip, port: port ?? listen.port! };
}

function dataPathAddress(text: string, machine: Machine): void {
  if (text === "") return;
  const ip = resolveHost(text, machine);
  if (ip === undefined || isZero(ip)) {
    throw new EngineError(
      "InvalidParameter",
      "data path address must be a non-zero IP address or network interface (without a port number)",
    );
  }
}

/** The pool and subnet size, as the engine checks them: the size first, then each pool in turn. */
function checkPool(pool: string[], size: number): void {
  if (size > MAX_SUBNET_SIZE) throw new EngineError("Unknown", `subnet size is out of range: ${size}`);
  for (const cidr of pool) {
    const bits = prefixBits(cidr);
    if (bits === undefined) {
      throw new EngineError("Unknown", `invalid base pool ${cidr}: invalid CIDR address: ${cidr}`);
    }
    if (size !== 0 && size < bits) {
      throw new EngineError(
        "Unknown",
        `invalid CIDR: ${JSON.stringify(cidr)}. Subnet size is too small for pool: ${size}`,
      );
    }
  }
}

/** The prefix length of an IPv4 or IPv6 CIDR, or undefined when it is not one. */
function prefixBits(cidr: string): number | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!match) return undefined;
  const family = isIP(match[1]!);
  const bits = Number(match[2]);
  if (family === 0 || bits > (family === 4 ? 32 : 128)) return undefined;
  return bits;
}

/** Binding the listen address: it must be one the machine has, and a port a socket can take. */
function checkListens(listen: HostPort, machine: Machine): void {
  const stopped = (why: string) =>
    new EngineError("Unknown", `manager stopped: failed to listen on remote API address: ${why}`);
  const port = listen.port!;
  if (!/^\d+$/.test(port)) throw stopped(`listen tcp: address tcp/${port}: unknown port`);
  if (Number(port) > 65535) throw stopped(`listen tcp: address ${port}: invalid port`);
  if (!isZero(listen.host) && !isSystemAddress(listen.host, machine)) {
    throw stopped(`listen tcp ${joinHostPort(listen.host, port)}: bind: cannot assign requested address`);
  }
}

/**
 * The spec the swarm starts with: swarmkit's defaults where the request left a field at its zero
 * value (or, for the fields Go holds as pointers, left it out). The engine does not carry
 * TaskDefaults from an init request, nor the top-level AutoLockManagers: autolock comes from
 * Spec.EncryptionConfig alone.
 */
function initialSpec(given: SwarmSpec): SwarmSpec {
  const defaults = defaultSwarmSpec();
  const or = <T>(value: T | undefined | null, fallback: T): T => (value ? value : fallback);
  const history = given.Orchestration?.TaskHistoryRetentionLimit;
  const keepOld = given.Raft?.KeepOldSnapshots;
  return {
    ...defaults,
    Labels: given.Labels ?? {},
    Orchestration: {
      TaskHistoryRetentionLimit:
        history === undefined || history === null
          ? defaults.Orchestration!.TaskHistoryRetentionLimit
          : history,
    },
    Raft: {
      SnapshotInterval: or(given.Raft?.SnapshotInterval, defaults.Raft!.SnapshotInterval),
      KeepOldSnapshots: keepOld === undefined || keepOld === null ? defaults.Raft!.KeepOldSnapshots : keepOld,
      LogEntriesForSlowFollowers: or(
        given.Raft?.LogEntriesForSlowFollowers,
        defaults.Raft!.LogEntriesForSlowFollowers,
      ),
      ElectionTick: or(given.Raft?.ElectionTick, defaults.Raft!.ElectionTick),
      HeartbeatTick: or(given.Raft?.HeartbeatTick, defaults.Raft!.HeartbeatTick),
    },
    Dispatcher: {
      HeartbeatPeriod: or(given.Dispatcher?.HeartbeatPeriod, defaults.Dispatcher!.HeartbeatPeriod),
    },
    CAConfig: {
      NodeCertExpiry: or(given.CAConfig?.NodeCertExpiry, defaults.CAConfig!.NodeCertExpiry),
      ...(given.CAConfig?.ExternalCAs?.length && { ExternalCAs: given.CAConfig.ExternalCAs }),
    },
    EncryptionConfig: { AutoLockManagers: given.EncryptionConfig?.AutoLockManagers === true },
  };
}

/** The spec a swarm starts with when `swarm init` gives none, as Docker 20.10 fills it. */
export function defaultSwarmSpec(): SwarmSpec {
  return {
    Name: "default",
    Labels: {},
    Orchestration: { TaskHistoryRetentionLimit: 5 },
    Raft: {
      SnapshotInterval: 10000,
      KeepOldSnapshots: 0,
      LogEntriesForSlowFollowers: 500,
      ElectionTick: 10,
      HeartbeatTick: 1,
    },
    Dispatcher: { HeartbeatPeriod: 5_000_000_000 },
    CAConfig: { NodeCertExpiry: 7_776_000_000_000_000 },
    TaskDefaults: {},
    EncryptionConfig: { AutoLockManagers: false },
  };
}
