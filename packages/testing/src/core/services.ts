import type { ServiceSpec, TaskSpec } from "@flotilla/types";
import type { Cluster } from "./cluster.js";
import { convertContainer } from "./container-convert.js";
import {
  allocateEndpoint,
  checkEndpoint,
  checkNetworksExist,
  releaseEndpoint,
  resolveNetworkTargets,
} from "./endpoint.js";
import { EngineError, grpc, outOfSequence } from "./errors.js";
import { checkServiceTransaction } from "./message-size.js";
import { isLive, type StoredService } from "./model.js";
import { forgetRestarts } from "./restart.js";
import { specChangeAttributes } from "./service-events.js";
import { beginUpdate, rollbackService } from "./updater.js";
import { validateServiceSpec } from "./validation.js";

// Service create, update, rollback and remove, with the engine's defaults and checks.

type Spec = StoredService["Spec"];

/**
 * What swarmkit fills into a spec it stores, so inspect output matches. The spec arrives decoded
 * as Go decodes it and with what protobuf drops already dropped (api/swarmkit-convert.ts).
 */
export function normalizeSpec(input: ServiceSpec): Spec {
  const spec = structuredClone(input) as Spec;
  spec.Labels ??= {};
  spec.TaskTemplate ??= {};
  const task = spec.TaskTemplate;
  const container = task.ContainerSpec;
  if (container) {
    convertContainer(container);
    container.Isolation ??= "default";
  }
  task.ForceUpdate ??= 0;
  task.Runtime ??= "container";
  // swarmkit's restart condition enum starts at "any".
  if (task.RestartPolicy) {
    task.RestartPolicy.Condition ||= "any";
    task.RestartPolicy.MaxAttempts ??= 0;
  }
  // A spec that sets no mode (none sent, or only one its API version is too old for) is replicated.
  if (!spec.Mode || Object.keys(spec.Mode).length === 0) spec.Mode = { Replicated: { Replicas: 1 } };
  if (spec.EndpointSpec) spec.EndpointSpec = endpointSpec(spec.EndpointSpec);
  if (spec.Mode.Replicated) spec.Mode.Replicated.Replicas ??= 1;
  if (spec.Mode.ReplicatedJob) {
    spec.Mode.ReplicatedJob.MaxConcurrent ??= 1;
    spec.Mode.ReplicatedJob.TotalCompletions ??= spec.Mode.ReplicatedJob.MaxConcurrent;
  }
  for (const config of [spec.UpdateConfig, spec.RollbackConfig]) {
    if (!config) continue;
    config.Parallelism ??= 0;
    config.FailureAction ??= "pause";
    config.MaxFailureRatio ??= 0;
    config.Order ??= "stop-first";
  }
  return spec;
}

/**
 * swarmkit keeps the endpoint spec as enums whose zero values are vip, tcp and ingress, so it
 * answers with them filled in (`docker stack deploy` leaves them out).
 */
function endpointSpec(spec: NonNullable<ServiceSpec["EndpointSpec"]>): ServiceSpec["EndpointSpec"] {
  const ports = (spec.Ports ?? []).map((port) => ({
    ...port,
    Protocol: port.Protocol || "tcp",
    PublishMode: port.PublishMode || "ingress",
  }));
  return { Mode: spec.Mode || "vip", ...(ports.length > 0 && { Ports: ports }) };
}

/** Tasks carry the template without Runtime, as the engine shows them. */
function taskSpecOf(spec: Spec): TaskSpec {
  const { Runtime: _runtime, ...rest } = spec.TaskTemplate;
  return rest;
}

const modeOf = (spec: ServiceSpec) =>
  Object.keys(spec.Mode ?? { Replicated: {} }).find((k) => k) ?? "Replicated";
const isJob = (spec: ServiceSpec) => Boolean(spec.Mode?.ReplicatedJob || spec.Mode?.GlobalJob);

/** dockerd refuses a task template that names no kind of task before swarmkit sees it. */
function checkRuntime(spec: ServiceSpec): void {
  const t = spec.TaskTemplate;
  if (!t?.ContainerSpec && !t?.PluginSpec && !t?.NetworkAttachmentSpec) {
    throw new EngineError("InvalidParameter", "mismatched Runtime and *Spec fields");
  }
}

/** `unreadBytes`: bytes of a string in the body the API did not hold (see readJson). */
export function createService(cluster: Cluster, body: unknown, unreadBytes = 0): StoredService {
  checkRuntime(body as ServiceSpec);
  const spec = normalizeSpec(body as ServiceSpec);
  validateServiceSpec(spec, cluster.store, unreadBytes);
  checkEndpoint(cluster.store, spec);
  resolveNetworkTargets(cluster.store, spec);
  for (const existing of cluster.store.data.services.values()) {
    if (existing.Spec.Name === spec.Name) {
      throw grpc.exists(`name conflicts with an existing object: service ${spec.Name} already exists`);
    }
  }
  checkServiceTransaction(spec);
  const iso = cluster.iso();
  const service: StoredService = {
    ...cluster.store.stamp(cluster.ids.objectId(), iso),
    Spec: spec,
    Endpoint: { Spec: {} },
    ...(isJob(spec) && { JobStatus: { JobIteration: {}, LastExecution: iso } }),
  };
  allocateEndpoint(cluster, service);
  cluster.store.data.services.set(service.ID, service);
  cluster.store.data.taskSpecs.set(service.ID, taskSpecOf(spec));
  cluster.dirtyServices.add(service.ID);
  cluster.emit("service", "create", service.ID, { name: spec.Name });
  // swarmkit's allocator writes the service again once it has given it ports or addresses.
  const endpoint = service.Endpoint ?? {};
  if ((endpoint.VirtualIPs ?? []).length > 0 || (endpoint.Ports ?? []).length > 0) {
    cluster.emit("service", "update", service.ID, { name: spec.Name });
  }
  return service;
}

export function updateService(
  cluster: Cluster,
  ref: string,
  version: number,
  body: unknown,
  options: { rollback?: boolean; unreadBytes?: number } = {},
): StoredService {
  const service = cluster.store.service(ref);
  const input = body as ServiceSpec;
  checkRuntime(input);
  const spec = normalizeSpec(input);
  if (options.rollback) {
    checkNetworksExist(cluster.store, spec);
    if (!service.PreviousSpec) throw grpc.precondition(`service ${service.ID} does not have a previous spec`);
    if (version !== service.Version.Index) throw outOfSequence();
    rollbackService(cluster, service, "manually requested rollback");
    return service;
  }
  validateServiceSpec(spec, cluster.store, options.unreadBytes);
  if (spec.Name !== service.Spec.Name) throw grpc.unimplemented("renaming services is not supported");
  if (modeOf(spec) !== modeOf(service.Spec)) throw grpc.unimplemented("service mode change is not allowed");
  if (version !== service.Version.Index) throw outOfSequence();
  checkEndpoint(cluster.store, spec, service.ID);
  resolveNetworkTargets(cluster.store, spec);
  checkServiceTransaction(spec, service.Spec);

  const before = service.Spec;
  const previousVersion = service.Version.Index;
  service.PreviousSpec = before;
  service.Spec = spec;
  // swarmkit clears the update status on every spec update (a scale too); an updater sets its own.
  delete service.UpdateStatus;
  allocateEndpoint(cluster, service);
  cluster.store.touch(service, cluster.iso());
  const attributes = specChangeAttributes(before, spec);
  // The spec is written first; the updater records its new state in a write (and event) of its own.
  const stateAttributes: Record<string, string> = { name: spec.Name };

  if (isJob(spec)) {
    // Every update of a job is a new run of it; tasks of the earlier run are stopped.
    service.JobStatus = { JobIteration: { Index: previousVersion }, LastExecution: cluster.iso() };
    cluster.store.data.taskSpecs.set(service.ID, taskSpecOf(spec));
    for (const task of cluster.store.tasksOf(service.ID))
      if (isLive(task)) cluster.setDesired(task, "shutdown");
  } else if (JSON.stringify(before.TaskTemplate) !== JSON.stringify(spec.TaskTemplate)) {
    const { taskSpecs, previousTaskSpecs } = cluster.store.data;
    const current = taskSpecs.get(service.ID);
    if (current) previousTaskSpecs.set(service.ID, current);
    taskSpecs.set(service.ID, taskSpecOf(spec));
    forgetRestarts(cluster, service.ID);
    beginUpdate(cluster, service, false, "update in progress");
    stateAttributes["updatestate.new"] = "updating";
  }
  cluster.dirtyServices.add(service.ID);
  cluster.emit("service", "update", service.ID, attributes);
  if (stateAttributes["updatestate.new"]) cluster.emit("service", "update", service.ID, stateAttributes);
  return service;
}

export function removeService(cluster: Cluster, ref: string): void {
  const service = cluster.store.service(ref);
  const { data } = cluster.store;
  for (const task of cluster.store.tasksOf(service.ID)) cluster.dropTask(task);
  releaseEndpoint(cluster.store, service);
  data.services.delete(service.ID);
  data.taskSpecs.delete(service.ID);
  data.previousTaskSpecs.delete(service.ID);
  data.updates.delete(service.ID);
  forgetRestarts(cluster, service.ID);
  cluster.emit("service", "remove", service.ID, { name: service.Spec.Name });
}
