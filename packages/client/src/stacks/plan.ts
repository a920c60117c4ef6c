import { type ServiceSpec, ValidationError } from "@flotilla/types";
import { convertObjects, MissingFileProblem, type StackObjects } from "./convert-objects.js";
import { convertService } from "./convert-service.js";
import {
  type ComposeFile,
  type ComposeLoadOptions,
  type ComposeSource,
  type LoadedCompose,
  loadCompose,
} from "./load.js";
import { checkStackName, type Namespace, namespace } from "./namespace.js";
import { ComposeProblem } from "./values.js";

// Everything a deploy will send, worked out before anything is sent: a bad file, a variable that
// must be set and is not, or a secret file that cannot be read stops here.

export interface StackPlan extends StackObjects {
  namespace: Namespace;
  /** By compose key, in name order; secret and config references hold names, not yet IDs. */
  services: Map<string, ServiceSpec>;
  loaded: LoadedCompose;
}

export async function planStack(
  name: string,
  source: ComposeSource,
  options: ComposeLoadOptions = {},
): Promise<StackPlan> {
  checkStackName(name);
  const loaded = await loadCompose(source, options);
  const ns = namespace(name);
  try {
    const objects = convertObjects(loaded.document, ns);
    const services = new Map<string, ServiceSpec>();
    for (const [key, service] of Object.entries(loaded.document.services))
      services.set(key, convertService(key, service, loaded.document, ns));
    return { ...objects, namespace: ns, services, loaded };
  } catch (error) {
    // The merged document has no single file; the first names the set, as the docker CLI's paths do.
    const first = Array.isArray(source) ? (source[0] as string | ComposeFile | undefined) : undefined;
    const file =
      typeof first === "string"
        ? first
        : (first?.name ?? (typeof source === "string" ? "<text>" : "<document>"));
    if (error instanceof ComposeProblem)
      throw new ValidationError(`compose file ${file}`, [{ path: error.path, message: error.message }]);
    if (error instanceof MissingFileProblem)
      throw new ValidationError(`compose file ${file}`, [
        { path: `${error.path}.file`, message: `cannot read ${error.file}` },
      ]);
    throw error;
  }
}
