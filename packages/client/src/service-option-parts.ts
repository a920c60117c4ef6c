import type {
  EndpointPortConfig,
  HealthConfig,
  Mount,
  NetworkAttachmentConfig,
  PlacementPreference,
  Platform,
  Privileges,
  ResourceRequirements,
  RollbackConfig,
  TaskRestartPolicy,
  Ulimit,
  UpdateConfig,
} from "@flotilla/types";
import { ValidationError } from "@flotilla/types";
import {
  type ByteSize,
  type Cpus,
  type Duration,
  parseBytes,
  parseCpus,
  parseDuration,
  splitCommand,
} from "./units.js";

// One converter per friendly option: each takes what a TypeScript caller writes and returns the
// engine's shape, naming the option path when the input can't be read.

function invalid(path: string, message: string): ValidationError {
  return new ValidationError("service options", [{ path, message }]);
}

/** A mount as an object, or docker-py's `source:target[:ro|rw]` (an absolute source is a bind mount). */
export type MountOption =
  | string
  | {
      target: string;
      source?: string;
      type?: "bind" | "volume" | "tmpfs" | "npipe" | "cluster";
      readOnly?: boolean;
      consistency?: string;
      propagation?: "private" | "rprivate" | "shared" | "rshared" | "slave" | "rslave";
      noCopy?: boolean;
      labels?: Record<string, string>;
      driver?: { name: string; options?: Record<string, string> };
      tmpfsSize?: ByteSize;
      tmpfsMode?: number;
    };

export function toMount(option: MountOption, path: string): Mount {
  if (typeof option === "string") {
    const parts = option.split(":");
    if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) {
      throw invalid(path, `not a mount: "${option}" (write source:target or source:target:ro)`);
    }
    const mode = parts[2] ?? "rw";
    if (mode !== "ro" && mode !== "rw") throw invalid(path, `mount mode must be ro or rw, not "${mode}"`);
    const [source, target] = parts as [string, string];
    return {
      Type: source.startsWith("/") ? "bind" : "volume",
      Source: source,
      Target: target,
      ReadOnly: mode === "ro",
    };
  }
  const type = option.type ?? (option.source?.startsWith("/") ? "bind" : "volume");
  const mount: Mount = { Type: type, Target: option.target };
  if (option.source !== undefined) mount.Source = option.source;
  if (option.readOnly !== undefined) mount.ReadOnly = option.readOnly;
  if (option.consistency !== undefined) mount.Consistency = option.consistency;
  if (option.propagation !== undefined) mount.BindOptions = { Propagation: option.propagation };
  if (option.noCopy !== undefined || option.labels !== undefined || option.driver !== undefined) {
    mount.VolumeOptions = {
      ...(option.noCopy !== undefined && { NoCopy: option.noCopy }),
      ...(option.labels && { Labels: option.labels }),
      ...(option.driver && {
        DriverConfig: { Name: option.driver.name, Options: option.driver.options ?? {} },
      }),
    };
  }
  if (option.tmpfsSize !== undefined || option.tmpfsMode !== undefined) {
    mount.TmpfsOptions = {
      ...(option.tmpfsSize !== undefined && { SizeBytes: parseBytes(option.tmpfsSize, `${path}.tmpfsSize`) }),
      ...(option.tmpfsMode !== undefined && { Mode: option.tmpfsMode }),
    };
  }
  return mount;
}

/** A network by name or ID, or an attachment with aliases and driver options. */
export type NetworkOption =
  | string
  | { target: string; aliases?: string[]; driverOpts?: Record<string, string> };

export function toNetwork(option: NetworkOption): NetworkAttachmentConfig {
  if (typeof option === "string") return { Target: option };
  return {
    Target: option.target,
    ...(option.aliases && { Aliases: option.aliases }),
    ...(option.driverOpts && { DriverOpts: option.driverOpts }),
  };
}

/** `"8080:80"`, `"53:53/udp"`, or an object; `published` left out lets the engine choose. */
export type PortOption =
  | string
  | {
      target: number;
      published?: number;
      protocol?: "tcp" | "udp" | "sctp";
      publishMode?: "ingress" | "host";
      name?: string;
    };

const PORT = /^(?:(\d+):)?(\d+)(?:\/(tcp|udp|sctp))?$/;

export function toPort(option: PortOption, path: string): EndpointPortConfig {
  if (typeof option === "string") {
    const match = PORT.exec(option.trim());
    if (!match) throw invalid(path, `not a port: "${option}" (write published:target[/protocol])`);
    return {
      Protocol: (match[3] ?? "tcp") as "tcp",
      TargetPort: Number(match[2]),
      ...(match[1] !== undefined && { PublishedPort: Number(match[1]) }),
    };
  }
  return {
    Protocol: option.protocol ?? "tcp",
    TargetPort: option.target,
    ...(option.published !== undefined && { PublishedPort: option.published }),
    ...(option.publishMode && { PublishMode: option.publishMode }),
    ...(option.name && { Name: option.name }),
  };
}

export interface ResourcesOption {
  limits?: { cpus?: Cpus; memory?: ByteSize; pids?: number };
  reservations?: {
    cpus?: Cpus;
    memory?: ByteSize;
    genericResources?: Record<string, string | number>;
  };
}

export function toResources(option: ResourcesOption, path: string): ResourceRequirements {
  const out: ResourceRequirements = {};
  const { limits, reservations } = option;
  if (limits) {
    out.Limits = {
      ...(limits.cpus !== undefined && { NanoCPUs: parseCpus(limits.cpus, `${path}.limits.cpus`) }),
      ...(limits.memory !== undefined && { MemoryBytes: parseBytes(limits.memory, `${path}.limits.memory`) }),
      ...(limits.pids !== undefined && { Pids: limits.pids }),
    };
  }
  if (reservations) {
    const generic = Object.entries(reservations.genericResources ?? {}).map(([kind, value]) =>
      typeof value === "number"
        ? { DiscreteResourceSpec: { Kind: kind, Value: value } }
        : { NamedResourceSpec: { Kind: kind, Value: value } },
    );
    out.Reservations = {
      ...(reservations.cpus !== undefined && {
        NanoCPUs: parseCpus(reservations.cpus, `${path}.reservations.cpus`),
      }),
      ...(reservations.memory !== undefined && {
        MemoryBytes: parseBytes(reservations.memory, `${path}.reservations.memory`),
      }),
      ...(generic.length > 0 && { GenericResources: generic }),
    };
  }
  return out;
}

export interface RestartPolicyOption {
  condition?: "none" | "on-failure" | "any";
  delay?: Duration;
  maxAttempts?: number;
  window?: Duration;
}

export function toRestartPolicy(option: RestartPolicyOption, path: string): TaskRestartPolicy {
  return {
    ...(option.condition && { Condition: option.condition }),
    ...(option.delay !== undefined && { Delay: parseDuration(option.delay, `${path}.delay`) }),
    ...(option.maxAttempts !== undefined && { MaxAttempts: option.maxAttempts }),
    ...(option.window !== undefined && { Window: parseDuration(option.window, `${path}.window`) }),
  };
}

export interface UpdateConfigOption {
  parallelism?: number;
  delay?: Duration;
  failureAction?: "continue" | "pause" | "rollback";
  monitor?: Duration;
  maxFailureRatio?: number;
  order?: "stop-first" | "start-first";
}

export function toUpdateConfig(option: UpdateConfigOption, path: string): UpdateConfig {
  return {
    ...(option.parallelism !== undefined && { Parallelism: option.parallelism }),
    ...(option.delay !== undefined && { Delay: parseDuration(option.delay, `${path}.delay`) }),
    ...(option.failureAction && { FailureAction: option.failureAction }),
    ...(option.monitor !== undefined && { Monitor: parseDuration(option.monitor, `${path}.monitor`) }),
    ...(option.maxFailureRatio !== undefined && { MaxFailureRatio: option.maxFailureRatio }),
    ...(option.order && { Order: option.order }),
  };
}

export type RollbackConfigOption = Omit<UpdateConfigOption, "failureAction"> & {
  failureAction?: "continue" | "pause";
};

export function toRollbackConfig(option: RollbackConfigOption, path: string): RollbackConfig {
  return toUpdateConfig(option, path) as RollbackConfig;
}

export interface HealthcheckOption {
  /** `["CMD", ...]`, `["CMD-SHELL", "..."]`, `["NONE"]`, or a shell command line. */
  test: string | string[];
  interval?: Duration;
  timeout?: Duration;
  retries?: number;
  startPeriod?: Duration;
}

export function toHealthcheck(option: HealthcheckOption, path: string): HealthConfig {
  return {
    Test: typeof option.test === "string" ? ["CMD-SHELL", option.test] : option.test,
    ...(option.interval !== undefined && { Interval: parseDuration(option.interval, `${path}.interval`) }),
    ...(option.timeout !== undefined && { Timeout: parseDuration(option.timeout, `${path}.timeout`) }),
    ...(option.retries !== undefined && { Retries: option.retries }),
    ...(option.startPeriod !== undefined && {
      StartPeriod: parseDuration(option.startPeriod, `${path}.startPeriod`),
    }),
  };
}

/** `"spread=node.labels.zone"` or `{ spread: "node.labels.zone" }`. */
export type PreferenceOption = string | { spread: string };

export function toPreference(option: PreferenceOption, path: string): PlacementPreference {
  if (typeof option !== "string") return { Spread: { SpreadDescriptor: option.spread } };
  const [strategy, descriptor] = option.split("=", 2);
  if (strategy !== "spread" || !descriptor)
    throw invalid(path, `not a preference: "${option}" (write spread=node.labels.x)`);
  return { Spread: { SpreadDescriptor: descriptor } };
}

/** `"linux/amd64"` or `{ os, architecture }`. */
export type PlatformOption = string | { os?: string; architecture?: string };

export function toPlatform(option: PlatformOption): Platform {
  if (typeof option !== "string") {
    return {
      ...(option.os && { OS: option.os }),
      ...(option.architecture && { Architecture: option.architecture }),
    };
  }
  const [os, architecture] = option.split("/", 2);
  return { ...(os && { OS: os }), ...(architecture && { Architecture: architecture }) };
}

/** `{ nofile: 1024 }`, `{ nofile: { soft, hard } }`, or the engine's list. */
export type UlimitsOption = Record<string, number | { soft: number; hard: number }> | Ulimit[];

export function toUlimits(option: UlimitsOption): Ulimit[] {
  if (Array.isArray(option)) return option;
  return Object.entries(option).map(([name, value]) =>
    typeof value === "number"
      ? { Name: name, Soft: value, Hard: value }
      : { Name: name, Soft: value.soft, Hard: value.hard },
  );
}

/** `{ "db.local": "10.0.0.2" }` or the engine's `"IP hostname"` lines. */
export type HostsOption = Record<string, string> | string[];

export function toHosts(option: HostsOption): string[] {
  if (Array.isArray(option)) return option;
  return Object.entries(option).map(([host, ip]) => `${ip} ${host}`);
}

export type EnvOption = string[] | Record<string, string | number | boolean>;

export function toEnv(option: EnvOption): string[] {
  if (Array.isArray(option)) return option;
  return Object.entries(option).map(([key, value]) => `${key}=${value}`);
}

/** A command as words, or as one line split the way a shell would. */
export function toCommand(option: string | string[], path: string): string[] {
  return typeof option === "string" ? splitCommand(option, path) : option;
}

export interface PrivilegesOption {
  credentialSpec?: { file?: string; registry?: string; config?: string };
  seLinuxContext?: { disable?: boolean; user?: string; role?: string; type?: string; level?: string };
  noNewPrivileges?: boolean;
  seccomp?: { mode: "default" | "unconfined" | "custom"; profile?: string };
  appArmor?: { mode: "default" | "disabled" };
}

export function toPrivileges(option: PrivilegesOption): Privileges {
  const out: Privileges = {};
  const { credentialSpec: cred, seLinuxContext: se } = option;
  if (cred) {
    out.CredentialSpec = {
      ...(cred.file && { File: cred.file }),
      ...(cred.registry && { Registry: cred.registry }),
      ...(cred.config && { Config: cred.config }),
    };
  }
  if (se) {
    out.SELinuxContext = {
      ...(se.disable !== undefined && { Disable: se.disable }),
      ...(se.user && { User: se.user }),
      ...(se.role && { Role: se.role }),
      ...(se.type && { Type: se.type }),
      ...(se.level && { Level: se.level }),
    };
  }
  if (option.noNewPrivileges !== undefined) out.NoNewPrivileges = option.noNewPrivileges;
  if (option.seccomp)
    out.Seccomp = {
      Mode: option.seccomp.mode,
      ...(option.seccomp.profile && { Profile: option.seccomp.profile }),
    };
  if (option.appArmor) out.AppArmor = { Mode: option.appArmor.mode };
  return out;
}
