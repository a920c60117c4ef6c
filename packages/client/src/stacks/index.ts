export {
  type ComposeFile,
  type ComposeLoadOptions,
  type ComposeSource,
  type LoadedCompose,
  loadCompose,
} from "./load.js";
export type { ComposeDocument } from "./model.js";
export { IMAGE_LABEL, NAMESPACE_LABEL } from "./namespace.js";
export type { StackPlan } from "./plan.js";
export { composeYaml } from "./print.js";
export {
  type ResolveImage,
  StackDeployError,
  type StackDeployOptions,
  type StackDeployResult,
  type StackEvent,
  type StackSummary,
  Stacks,
} from "./stacks.js";
