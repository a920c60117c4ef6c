import { EngineError } from "../core/errors.js";
import { STATE_RANK, type StoredTask } from "../core/model.js";
import type { Store } from "../core/store.js";
import { form, type Route, route } from "./context.js";
import { anyPrefix, checkKeys, inIdOrder, labelsMatch, parseFilters } from "./filters.js";
import { answer, engineHeaders } from "./http.js";
import { checkStreams, logsResponse } from "./logs.js";
import { tasksJson } from "./task-json.js";

export const taskRoutes: Route[] = [
  route(
    "GET",
    "/tasks",
    form(({ cluster, query }) => {
      const filters = parseFilters(query.get("filters"));
      // dockerd's list: `_up-to-date` is the CLI's private filter for progress bars; there is no `up-to-date`.
      checkKeys(filters, [
        "_up-to-date",
        "desired-state",
        "id",
        "label",
        "name",
        "node",
        "runtime",
        "service",
      ]);
      const store = cluster.store;
      // In ID order, as the engine lists them.
      let tasks: readonly StoredTask[] = store.tasksInIdOrder();
      const services = filters.get("service");
      if (services) {
        // dockerd resolves each as `docker service inspect` does (ID, name, ID prefix): 404 for
        // one it does not know. Then the per-service index instead of a scan.
        const ids = new Set(services.map((ref) => store.service(ref).ID));
        tasks = inIdOrder(
          [...ids].flatMap((id) => store.tasksOf(id)),
          (t) => t.ID,
        );
      }
      const nodes = filters.get("node");
      // dockerd resolves each node as `docker node inspect` does: 404 for one it does not know.
      const nodeIds = nodes && new Set(nodes.map((ref) => store.node(ref).ID));
      const desired = filters.get("desired-state");
      for (const state of desired ?? []) {
        if (!(state in STATE_RANK))
          throw new EngineError("Unknown", `Invalid desired-state filter: '${state}'`);
      }
      const ids = filters.get("id");
      const labels = filters.get("label");
      const names = filters.get("name");
      const runtimes = filters.get("runtime");
      const upToDate = filters.has("_up-to-date");
      // Tasks of a spec version share its TaskSpec object, so "up to date" is identity.
      const currentSpec = (t: StoredTask) =>
        store.data.taskSpecs.get(t.ServiceID) ?? store.data.services.get(t.ServiceID)?.Spec.TaskTemplate;
      const out = tasks.filter(
        (t) =>
          (!upToDate || t.Spec === currentSpec(t)) &&
          (!names || names.some((n) => taskName(store, t).startsWith(n))) &&
          (!runtimes || runtimes.includes(t.Spec.PluginSpec ? "plugin" : "container")) &&
          (!nodeIds || (t.NodeID !== undefined && nodeIds.has(t.NodeID))) &&
          (!desired || desired.includes(t.DesiredState)) &&
          anyPrefix(ids, t.ID) &&
          // swarmkit matches the labels of the service the task was made for (`docker stack ps`).
          labelsMatch(labels, store.data.services.get(t.ServiceID)?.Spec.Labels ?? t.Labels),
      );
      return new Response(tasksJson(out), {
        status: 200,
        headers: engineHeaders({ "Content-Type": "application/json" }),
      });
    }),
  ),
  route("GET", "/tasks/{id}", ({ cluster, params }) =>
    answer("GET /tasks/{id}", cluster.store.task(params.id!)),
  ),
  route(
    "GET",
    "/tasks/{id}/logs",
    form((ctx) => {
      checkStreams(ctx.query);
      const task = ctx.cluster.store.task(ctx.params.id!);
      return logsResponse(ctx, [task], Boolean(task.Spec.ContainerSpec?.TTY));
    }),
  ),
];

/** swarmkit's task name: service.slot.id, or service.node.id for global tasks. */
function taskName(store: Store, task: StoredTask): string {
  const service = store.data.services.get(task.ServiceID)?.Spec.Name ?? "";
  return `${service}.${task.Slot ?? task.NodeID}.${task.ID}`;
}
