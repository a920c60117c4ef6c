export { Client, type ClientOptions, type FromEnvOptions } from "./client.js";
export {
  assess,
  type ConvergenceOptions,
  type ConvergenceProgress,
  type ServiceModeKind,
  type Snapshot,
  type TaskProgress,
  type Verdict,
} from "./convergence.js";
export {
  ConvergenceError,
  type ConvergenceFailure,
  type FailedTask,
  isOutOfSequence,
  RegistryAuthError,
  StaleVersionError,
} from "./errors.js";
export type { LogLine, LogOptions } from "./logs.js";
export { Config } from "./models/config.js";
export { Model, type SwarmObject } from "./models/model.js";
export { Node } from "./models/node.js";
export { Secret } from "./models/secret.js";
export { type ModelUpdateOptions, Service } from "./models/service.js";
export { Task } from "./models/task.js";
export type { RawApi, RawArgs, RawOptions } from "./raw.js";
export {
  type ClientWarning,
  normaliseRegistry,
  RegistryAuth,
  type RegistryAuthEnvironment,
  type RegistryCredentials,
  registryOf,
} from "./registry-auth.js";
export { type ConfigCreateOptions, Configs } from "./resources/configs.js";
export { type NetworkCreateOptions, Networks } from "./resources/networks.js";
export { type NodeFilters, Nodes } from "./resources/nodes.js";
export type { NodeChange, NodeUpdateOptions, TaskFilters, UpdateOptions } from "./resources/options.js";
export { type SecretCreateOptions, Secrets } from "./resources/secrets.js";
export {
  type CreateOptions,
  type ServiceEdit,
  type ServiceFilters,
  Services,
  type ServiceWrite,
  type UpdateSpecOptions,
} from "./resources/services.js";
export {
  Swarm,
  type SwarmInitOptions,
  type SwarmJoinOptions,
  type SwarmUpdateOptions,
} from "./resources/swarm.js";
export { type EventOptions, System } from "./resources/system.js";
export { type TaskListFilters, Tasks } from "./resources/tasks.js";
export type {
  EnvOption,
  HealthcheckOption,
  HostsOption,
  MountOption,
  NetworkOption,
  PlatformOption,
  PortOption,
  PreferenceOption,
  PrivilegesOption,
  ResourcesOption,
  RestartPolicyOption,
  RollbackConfigOption,
  UlimitsOption,
  UpdateConfigOption,
} from "./service-option-parts.js";
export {
  type FileReferenceOption,
  type ServiceModeName,
  type ServiceOptions,
  type ServicePatch,
  specFromOptions,
  toServiceSpec,
} from "./service-options.js";
export { applyPatch } from "./service-patch.js";
export {
  type ComposeDocument,
  type ComposeFile,
  type ComposeLoadOptions,
  type ComposeSource,
  composeYaml,
  type DeployStanding,
  type LoadedCompose,
  loadCompose,
  type ResolveImage,
  StackDeployError,
  StackDeployInterruptedError,
  type StackDeployOptions,
  type StackDeployResult,
  type StackEvent,
  type StackPlan,
  type StackSummary,
  Stacks,
} from "./stacks/index.js";
export { type SwarmSpecOptions, swarmSpec } from "./swarm-spec.js";
export {
  type ByteSize,
  type Cpus,
  type Duration,
  parseBytes,
  parseCpus,
  parseDuration,
  splitCommand,
} from "./units.js";
