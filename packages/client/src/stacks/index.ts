import type { ComposeLoadOptions, ComposeSource, LoadedCompose } from "./load.js";
import type { ComposeDocument } from "./model.js";

export { type DeployStanding, StackDeployInterruptedError } from "./interrupted.js";
export type { ComposeFile, ComposeLoadOptions, ComposeSource, LoadedCompose } from "./load.js";
export type { ComposeDocument } from "./model.js";
export { IMAGE_LABEL, NAMESPACE_LABEL } from "./namespace.js";
export type { StackPlan } from "./plan.js";
export {
  type ResolveImage,
  StackDeployError,
  type StackDeployOptions,
  type StackDeployResult,
  type StackEvent,
  type StackSummary,
  Stacks,
} from "./stacks.js";

// The YAML parser and schema validator load on first use (see stacks.ts).

/** Reads, interpolates, validates and merges compose files as `docker stack deploy` does, sending nothing. */
export async function loadCompose(
  source: ComposeSource,
  options: ComposeLoadOptions = {},
): Promise<LoadedCompose> {
  return (await import("./load.js")).loadCompose(source, options);
}

/** The merged document as YAML, as `docker stack config` prints it. */
export async function composeYaml(document: ComposeDocument): Promise<string> {
  return (await import("./print.js")).composeYaml(document);
}
