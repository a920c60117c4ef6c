import type {
  ContainerSpec,
  ContainerSpecConfig,
  ContainerSpecSecret,
  ServiceMode,
  ServiceSpec,
  TaskSpec,
} from "@flotilla/types";
import { ValidationError } from "@flotilla/types";
import {
  type EnvOption,
  type HealthcheckOption,
  type HostsOption,
  type MountOption,
  type NetworkOption,
  type PlatformOption,
  type PortOption,
  type PreferenceOption,
  type PrivilegesOption,
  type ResourcesOption,
  type RestartPolicyOption,
  type RollbackConfigOption,
  toCommand,
  toEnv,
  toHealthcheck,
  toHosts,
  toMount,
  toNetwork,
  toPlatform,
  toPort,
  toPreference,
  toPrivileges,
  toResources,
  toRestartPolicy,
  toRollbackConfig,
  toUlimits,
  toUpdateConfig,
  type UlimitsOption,
  type UpdateConfigOption,
} from "./service-option-parts.js";
import { type Duration, parseDuration } from "./units.js";

// What `services.create(image, options)` takes: every parameter docker-py's ServiceCollection.create
// documents, in TypeScript's casing and units, turned into the ServiceSpec the engine wants with
// TaskTemplate and ContainerSpec apart. Only what is set is written, so the same mapping serves
// as the partial change an update merges onto the current spec.

export type ServiceModeName = "replicated" | "global" | "replicated-job" | "global-job";

/** A secret or config by name, or with the file it becomes inside the container. */
export type FileReferenceOption =
  | string
  | { name: string; id?: string; target?: string; uid?: string; gid?: string; mode?: number };

export interface ServiceOptions {
  name?: string;
  labels?: Record<string, string>;
  /** Replaces the image's entrypoint; a string is split into words as a shell would. */
  command?: string | string[];
  args?: string[];
  env?: EnvOption;
  workdir?: string;
  user?: string;
  groups?: string[];
  hostname?: string;
  containerLabels?: Record<string, string>;
  init?: boolean;
  isolation?: "default" | "process" | "hyperv";
  tty?: boolean;
  openStdin?: boolean;
  readOnly?: boolean;
  stopSignal?: string;
  stopGracePeriod?: Duration;
  healthcheck?: HealthcheckOption;
  hosts?: HostsOption;
  dnsConfig?: { nameservers?: string[]; search?: string[]; options?: string[] };
  mounts?: MountOption[];
  secrets?: FileReferenceOption[];
  configs?: FileReferenceOption[];
  privileges?: PrivilegesOption;
  capAdd?: string[];
  capDrop?: string[];
  sysctls?: Record<string, string | number>;
  ulimits?: UlimitsOption;
  /** Default `replicated`. */
  mode?: ServiceModeName;
  /** Replicated services: how many tasks. */
  replicas?: number;
  /** Replicated jobs: tasks at once, and completions in all. */
  maxConcurrent?: number;
  totalCompletions?: number;
  constraints?: string[];
  preferences?: PreferenceOption[];
  platforms?: PlatformOption[];
  maxReplicas?: number;
  resources?: ResourcesOption;
  restartPolicy?: RestartPolicyOption;
  networks?: NetworkOption[];
  endpointSpec?: { mode?: "vip" | "dnsrr"; ports?: PortOption[] };
  logDriver?: string;
  logDriverOptions?: Record<string, string>;
  updateConfig?: UpdateConfigOption;
  rollbackConfig?: RollbackConfigOption;
}

/** A change to a service: any option (replacing what it sets), plus edits of lists and maps. */
export interface ServicePatch extends ServiceOptions {
  image?: string;
  envAdd?: EnvOption;
  /** Variable names to drop. */
  envRemove?: string[];
  labelsAdd?: Record<string, string>;
  labelsRemove?: string[];
  containerLabelsAdd?: Record<string, string>;
  containerLabelsRemove?: string[];
  /** Replaces every task though nothing else changes (`docker service update --force`). */
  forceUpdate?: boolean;
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function empty(value: object): boolean {
  return Object.keys(value).length === 0;
}

function fileReference(option: FileReferenceOption): {
  name: string;
  id?: string;
  File: ContainerSpecSecret["File"];
} {
  const o = typeof option === "string" ? { name: option } : option;
  return {
    name: o.name,
    ...(o.id && { id: o.id }),
    File: { Name: o.target ?? o.name, UID: o.uid ?? "0", GID: o.gid ?? "0", Mode: o.mode ?? 0o444 },
  };
}

function toSecret(option: FileReferenceOption): ContainerSpecSecret {
  const ref = fileReference(option);
  return defined({ SecretName: ref.name, SecretID: ref.id, File: ref.File });
}

function toConfig(option: FileReferenceOption): ContainerSpecConfig {
  const ref = fileReference(option);
  return defined({ ConfigName: ref.name, ConfigID: ref.id, File: ref.File });
}

/** Task counts are unsigned whole numbers to the engine; say so here, by the option's name. */
function count(value: number | undefined, path: string): number | undefined {
  if (value === undefined || (Number.isInteger(value) && value >= 0)) return value;
  throw new ValidationError("service options", [
    { path, message: `must be a whole number, 0 or more, not ${JSON.stringify(value)}` },
  ]);
}

function toMode(o: ServiceOptions): ServiceMode | undefined {
  count(o.replicas, "replicas");
  count(o.maxConcurrent, "maxConcurrent");
  count(o.totalCompletions, "totalCompletions");
  switch (o.mode) {
    case undefined:
      return o.replicas === undefined ? undefined : { Replicated: { Replicas: o.replicas } };
    case "replicated":
      return { Replicated: defined({ Replicas: o.replicas }) };
    case "global":
      return { Global: {} };
    case "global-job":
      return { GlobalJob: {} };
    case "replicated-job":
      return {
        ReplicatedJob: defined({ MaxConcurrent: o.maxConcurrent, TotalCompletions: o.totalCompletions }),
      };
    default:
      throw new ValidationError("service options", [
        {
          path: "mode",
          message: `must be replicated, global, replicated-job or global-job, not "${String(o.mode)}"`,
        },
      ]);
  }
}

function toContainerSpec(o: ServicePatch): ContainerSpec {
  return defined<ContainerSpec>({
    Image: o.image,
    Labels: o.containerLabels,
    Command: o.command === undefined ? undefined : toCommand(o.command, "command"),
    Args: o.args,
    Hostname: o.hostname,
    Env: o.env === undefined ? undefined : toEnv(o.env),
    Dir: o.workdir,
    User: o.user,
    Groups: o.groups,
    Privileges: o.privileges && toPrivileges(o.privileges),
    TTY: o.tty,
    OpenStdin: o.openStdin,
    ReadOnly: o.readOnly,
    Mounts: o.mounts?.map((m, i) => toMount(m, `mounts[${i}]`)),
    StopSignal: o.stopSignal,
    StopGracePeriod:
      o.stopGracePeriod === undefined ? undefined : parseDuration(o.stopGracePeriod, "stopGracePeriod"),
    Healthcheck: o.healthcheck && toHealthcheck(o.healthcheck, "healthcheck"),
    Hosts: o.hosts && toHosts(o.hosts),
    DNSConfig:
      o.dnsConfig &&
      defined({
        Nameservers: o.dnsConfig.nameservers,
        Search: o.dnsConfig.search,
        Options: o.dnsConfig.options,
      }),
    Secrets: o.secrets?.map(toSecret),
    Configs: o.configs?.map(toConfig),
    Isolation: o.isolation,
    Init: o.init,
    Sysctls: o.sysctls && Object.fromEntries(Object.entries(o.sysctls).map(([k, v]) => [k, String(v)])),
    CapabilityAdd: o.capAdd,
    CapabilityDrop: o.capDrop,
    Ulimits: o.ulimits && toUlimits(o.ulimits),
  });
}

function toTaskSpec(o: ServicePatch): TaskSpec {
  const placement = defined({
    Constraints: o.constraints,
    Preferences: o.preferences?.map((p, i) => toPreference(p, `preferences[${i}]`)),
    Platforms: o.platforms?.map(toPlatform),
    MaxReplicas: o.maxReplicas,
  });
  const logDriver =
    o.logDriver === undefined && o.logDriverOptions === undefined
      ? undefined
      : defined({ Name: o.logDriver, Options: o.logDriverOptions });
  const container = toContainerSpec(o);
  return defined<TaskSpec>({
    ContainerSpec: empty(container) ? undefined : container,
    Resources: o.resources && toResources(o.resources, "resources"),
    RestartPolicy: o.restartPolicy && toRestartPolicy(o.restartPolicy, "restartPolicy"),
    Placement: empty(placement) ? undefined : placement,
    Networks: o.networks?.map(toNetwork),
    LogDriver: logDriver,
  });
}

/** The part of a ServiceSpec that `options` set (an update merges this onto the current spec). */
export function specFromOptions(options: ServicePatch): ServiceSpec {
  const task = toTaskSpec(options);
  const endpoint = options.endpointSpec;
  return defined<ServiceSpec>({
    Name: options.name,
    Labels: options.labels,
    TaskTemplate: empty(task) ? undefined : task,
    Mode: toMode(options),
    UpdateConfig: options.updateConfig && toUpdateConfig(options.updateConfig, "updateConfig"),
    RollbackConfig: options.rollbackConfig && toRollbackConfig(options.rollbackConfig, "rollbackConfig"),
    EndpointSpec:
      endpoint &&
      defined({
        Mode: endpoint.mode,
        Ports: endpoint.ports?.map((p, i) => toPort(p, `endpointSpec.ports[${i}]`)),
      }),
  });
}

/** The whole spec for a new service running `image`. */
export function toServiceSpec(image: string, options: ServiceOptions = {}): ServiceSpec {
  if (typeof image !== "string" || image === "") {
    throw new ValidationError("service options", [{ path: "image", message: "is required" }]);
  }
  return specFromOptions({ ...options, image });
}
