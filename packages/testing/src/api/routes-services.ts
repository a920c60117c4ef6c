import type { Cluster } from "../core/cluster.js";
import { isLive, type StoredService } from "../core/model.js";
import { withDefaults } from "../core/service-defaults.js";
import { createService, removeService, updateService } from "../core/services.js";
import { parseVersion } from "../core/validation.js";
import { form, type Route, route } from "./context.js";
import { anyPrefix, checkKeys, inIdOrder, labelsMatch, parseFilters } from "./filters.js";
import { answer, boolParam, empty, readJson, unreadBytes } from "./http.js";
import { checkStreams, logsResponse } from "./logs.js";
import { asSwarmkitStores } from "./swarmkit-convert.js";

export const serviceRoutes: Route[] = [
  route(
    "GET",
    "/services",
    form(({ cluster, query }) => {
      const filters = parseFilters(query.get("filters"), { kind: "InvalidParameter" });
      checkKeys(filters, ["id", "label", "mode", "name"]);
      const withStatus = boolParam(query.get("status"));
      const out = [];
      for (const s of cluster.store.data.services.values()) {
        if (!anyPrefix(filters.get("id"), s.ID) || !anyPrefix(filters.get("name"), s.Spec.Name)) continue;
        if (!labelsMatch(filters.get("label"), s.Spec.Labels)) continue;
        const mode = filters.get("mode");
        if (mode && !mode.includes(s.Spec.Mode?.Global ? "global" : "replicated")) continue;
        out.push(withStatus ? { ...s, ServiceStatus: serviceStatus(cluster, s) } : s);
      }
      return answer(
        "GET /services",
        inIdOrder(out, (s) => s.ID),
      );
    }),
  ),
  route("POST", "/services/create", async ({ apiVersion, cluster, request }) => {
    const spec = asSwarmkitStores("ServiceSpec", await readJson(request, "ServiceSpec", apiVersion));
    const service = createService(cluster, spec, unreadBytes(request));
    return answer("POST /services/create", { ID: service.ID }, 201);
  }),
  route("GET", "/services/{id}", ({ cluster, params, query }) => {
    const service = cluster.store.service(params.id!);
    if (!boolParam(query.get("insertDefaults"))) return answer("GET /services/{id}", service);
    return answer("GET /services/{id}", { ...service, Spec: withDefaults(service.Spec) });
  }),
  route("POST", "/services/{id}/update", async ({ apiVersion, cluster, params, query, request }) => {
    // dockerd decodes the body before it reads the version.
    const body = asSwarmkitStores("ServiceSpec", await readJson(request, "ServiceSpec", apiVersion));
    const version = parseVersion("service", query.get("version"));
    updateService(cluster, params.id!, version, body, {
      rollback: query.get("rollback") === "previous",
      unreadBytes: unreadBytes(request),
    });
    return answer("POST /services/{id}/update", { Warnings: null });
  }),
  route("DELETE", "/services/{id}", ({ cluster, params }) => {
    removeService(cluster, params.id!);
    return empty(200);
  }),
  route(
    "GET",
    "/services/{id}/logs",
    form((ctx) => {
      checkStreams(ctx.query);
      const service = ctx.cluster.store.service(ctx.params.id!);
      const tasks = ctx.cluster.store.tasksOf(service.ID);
      return logsResponse(ctx, tasks, Boolean(service.Spec.TaskTemplate.ContainerSpec?.TTY));
    }),
  ),
];

/** Running, desired and (for jobs) completed task counts, as `?status=true` adds them. */
function serviceStatus(cluster: Cluster, service: StoredService) {
  let running = 0;
  let live = 0;
  let completed = 0;
  for (const task of cluster.store.tasksOf(service.ID)) {
    if (task.Status.State === "running") running++;
    if (task.Status.State === "complete") completed++;
    else if (isLive(task)) live++;
  }
  const mode = service.Spec.Mode ?? {};
  // dockerd counts completed tasks for jobs only: a replicated service whose tasks exited 0
  // (restart condition none) reads 0 completed on Docker 20.10.
  if (!mode.ReplicatedJob && !mode.GlobalJob) completed = 0;
  const desired = mode.Replicated
    ? (mode.Replicated.Replicas ?? 1)
    : mode.ReplicatedJob
      ? (mode.ReplicatedJob.MaxConcurrent ?? 1)
      : live;
  return { RunningTasks: running, DesiredTasks: desired, CompletedTasks: completed };
}
