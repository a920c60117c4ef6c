import type { Service, ServiceSpec } from "@flotilla/types";

// Registered-but-not-deployed and stopped services are "parked": they exist in the swarm as real
// services so every client sees them, but run nothing. A replicated service is parked at zero
// replicas with its instance count kept in a label; a global one or a job (which cannot be scaled
// to zero: a job's mode cannot change) gets a placement constraint no node can meet. Labels say why it is parked; the spec says whether it is,
// so a service someone else scaled up with the docker CLI reads as deployed, as it is.

export const LIFECYCLE_LABELS = {
  state: "io.flotilla.state",
  instances: "io.flotilla.instances",
  /** A stateful service's changed task template, held until `deploy` (see update). */
  pending: "io.flotilla.pending-task-template",
} as const;

/** No node ID contains a hyphen, so no node ever matches. */
export const PARKED_CONSTRAINT = "node.id==flotilla-parked";

export type Lifecycle = "registered" | "stopped" | "deployed";

/** Global services and jobs are parked by placement, replicated services by their count. */
const parkedByPlacement = (spec: ServiceSpec) =>
  Boolean(spec.Mode?.Global || spec.Mode?.GlobalJob || spec.Mode?.ReplicatedJob);

export function isParked(spec: ServiceSpec): boolean {
  if (parkedByPlacement(spec))
    return spec.TaskTemplate?.Placement?.Constraints?.includes(PARKED_CONSTRAINT) ?? false;
  return spec.Mode?.Replicated?.Replicas === 0 && spec.Labels?.[LIFECYCLE_LABELS.instances] !== undefined;
}

export function lifecycleOf(spec: ServiceSpec): Lifecycle {
  if (!isParked(spec)) return "deployed";
  return spec.Labels?.[LIFECYCLE_LABELS.state] === "registered" ? "registered" : "stopped";
}

/** The instance count a parked replicated service comes back with. */
export function rememberedInstances(spec: ServiceSpec): number | undefined {
  const text = spec.Labels?.[LIFECYCLE_LABELS.instances];
  return text === undefined ? spec.Mode?.Replicated?.Replicas : Number(text);
}

export function park(spec: ServiceSpec, state: "registered" | "stopped"): ServiceSpec {
  const copy = structuredClone(spec);
  copy.Labels = { ...copy.Labels, [LIFECYCLE_LABELS.state]: state };
  if (isParked(spec)) return copy;
  if (parkedByPlacement(copy)) {
    const placement = copy.TaskTemplate?.Placement;
    copy.TaskTemplate = {
      ...copy.TaskTemplate,
      Placement: { ...placement, Constraints: [...(placement?.Constraints ?? []), PARKED_CONSTRAINT] },
    };
  } else {
    const replicas = copy.Mode?.Replicated?.Replicas ?? 1;
    copy.Labels[LIFECYCLE_LABELS.instances] = String(replicas);
    copy.Mode = { Replicated: { Replicas: 0 } };
  }
  return copy;
}

export function unpark(spec: ServiceSpec): ServiceSpec {
  const copy = structuredClone(spec);
  if (parkedByPlacement(copy)) {
    const placement = copy.TaskTemplate?.Placement;
    if (placement?.Constraints) {
      placement.Constraints = placement.Constraints.filter((c) => c !== PARKED_CONSTRAINT);
      if (placement.Constraints.length === 0) delete placement.Constraints;
    }
  } else if (isParked(copy)) {
    copy.Mode = { Replicated: { Replicas: rememberedInstances(copy) ?? 1 } };
  }
  if (copy.Labels) {
    delete copy.Labels[LIFECYCLE_LABELS.instances];
    copy.Labels[LIFECYCLE_LABELS.state] = "deployed";
  }
  return copy;
}

/** Applies a change to what the service will be when deployed, keeping it parked if it is. */
export function editDefinition(spec: ServiceSpec, edit: (spec: ServiceSpec) => ServiceSpec): ServiceSpec {
  const lifecycle = lifecycleOf(spec);
  if (lifecycle === "deployed") return edit(structuredClone(spec));
  return park(edit(unpark(spec)), lifecycle);
}

export function serviceName(service: Service): string {
  return service.Spec?.Name ?? service.ID ?? "";
}
