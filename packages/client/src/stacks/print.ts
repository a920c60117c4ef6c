import { stringify } from "yaml";
import type { ComposeDocument } from "./model.js";

/** The merged document as YAML, sections in the docker CLI's order, empty ones left out (`docker stack config`). */
export function composeYaml(document: ComposeDocument): string {
  const out: Record<string, unknown> = { version: document.version };
  for (const section of ["services", "networks", "volumes", "secrets", "configs"] as const) {
    if (Object.keys(document[section]).length > 0) out[section] = document[section];
  }
  return stringify(out, { sortMapEntries: false, lineWidth: 0 });
}
