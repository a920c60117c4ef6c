import type { KeyShape } from "./option-keys.js";
import type {
  HealthcheckOption,
  PrivilegesOption,
  ResourcesOption,
  RestartPolicyOption,
  UpdateConfigOption,
} from "./service-option-parts.js";
import type { FileReferenceOption, ServiceOptions, ServicePatch } from "./service-options.js";

// The keys of every options object `services.create` and `update` take, for checkOptionKeys.
// `true` is a value whose keys are the caller's own (labels, env as a record) or a scalar.

type Keys<T> = Record<keyof Required<T>, KeyShape>;
type Of<T> = Exclude<T, string | undefined>;

const rollout = {
  parallelism: true,
  delay: true,
  failureAction: true,
  monitor: true,
  maxFailureRatio: true,
  order: true,
} satisfies Keys<UpdateConfigOption>;

const file = { name: true, id: true, target: true, uid: true, gid: true, mode: true } satisfies Keys<
  Of<FileReferenceOption>
>;

type MountObject = Of<NonNullable<ServiceOptions["mounts"]>[number]>;
type PortObject = Of<NonNullable<NonNullable<ServiceOptions["endpointSpec"]>["ports"]>[number]>;
type NetworkObject = Of<NonNullable<ServiceOptions["networks"]>[number]>;
type PlatformObject = Of<NonNullable<ServiceOptions["platforms"]>[number]>;

export const SERVICE_OPTION_KEYS = {
  name: true,
  labels: true,
  command: true,
  args: true,
  env: true,
  workdir: true,
  user: true,
  groups: true,
  hostname: true,
  containerLabels: true,
  init: true,
  isolation: true,
  tty: true,
  openStdin: true,
  readOnly: true,
  stopSignal: true,
  stopGracePeriod: true,
  healthcheck: {
    test: true,
    interval: true,
    timeout: true,
    retries: true,
    startPeriod: true,
  } satisfies Keys<HealthcheckOption>,
  hosts: true,
  dnsConfig: { nameservers: true, search: true, options: true } satisfies Keys<
    NonNullable<ServiceOptions["dnsConfig"]>
  >,
  mounts: {
    each: {
      target: true,
      source: true,
      type: true,
      readOnly: true,
      consistency: true,
      propagation: true,
      noCopy: true,
      labels: true,
      driver: { name: true, options: true },
      tmpfsSize: true,
      tmpfsMode: true,
    } satisfies Keys<MountObject>,
  },
  secrets: { each: file },
  configs: { each: file },
  privileges: {
    credentialSpec: { file: true, registry: true, config: true },
    seLinuxContext: { disable: true, user: true, role: true, type: true, level: true },
    noNewPrivileges: true,
    seccomp: { mode: true, profile: true },
    appArmor: { mode: true },
  } satisfies Keys<PrivilegesOption>,
  capAdd: true,
  capDrop: true,
  sysctls: true,
  ulimits: true,
  mode: true,
  replicas: true,
  maxConcurrent: true,
  totalCompletions: true,
  constraints: true,
  preferences: { each: { spread: true } },
  platforms: { each: { os: true, architecture: true } satisfies Keys<PlatformObject> },
  maxReplicas: true,
  resources: {
    limits: { cpus: true, memory: true, pids: true },
    reservations: { cpus: true, memory: true, genericResources: true },
  } satisfies Keys<ResourcesOption>,
  restartPolicy: {
    condition: true,
    delay: true,
    maxAttempts: true,
    window: true,
  } satisfies Keys<RestartPolicyOption>,
  networks: { each: { target: true, aliases: true, driverOpts: true } satisfies Keys<NetworkObject> },
  endpointSpec: {
    mode: true,
    ports: {
      each: {
        target: true,
        published: true,
        protocol: true,
        publishMode: true,
        name: true,
      } satisfies Keys<PortObject>,
    },
  },
  logDriver: true,
  logDriverOptions: true,
  updateConfig: rollout,
  rollbackConfig: rollout,
} satisfies Keys<ServiceOptions>;

export const SERVICE_PATCH_KEYS = {
  ...SERVICE_OPTION_KEYS,
  image: true,
  envAdd: true,
  envRemove: true,
  labelsAdd: true,
  labelsRemove: true,
  containerLabelsAdd: true,
  containerLabelsRemove: true,
  forceUpdate: true,
} satisfies Keys<ServicePatch>;
