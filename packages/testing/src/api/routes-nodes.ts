import type { NodeSpec } from "@flotilla/types";
import { EngineError } from "../core/errors.js";
import { removeNode, updateNode } from "../core/nodes.js";
import { parseVersion } from "../core/validation.js";
import { form, type Route, route } from "./context.js";
import { anyEqual, anyPrefix, checkKeys, inIdOrder, labelsMatch, parseFilters } from "./filters.js";
import { answer, boolParam, empty, readJson } from "./http.js";

function enumFilter(values: string[] | undefined, known: string[], what: string): string[] | undefined {
  return values?.map((value) => {
    const lower = value.toLowerCase();
    if (!known.includes(lower)) throw new EngineError("Unknown", `Invalid ${what} filter: '${value}'`);
    return lower;
  });
}

export const nodeRoutes: Route[] = [
  route(
    "GET",
    "/nodes",
    form(({ cluster, query }) => {
      const filters = parseFilters(query.get("filters"));
      checkKeys(filters, ["id", "label", "membership", "name", "node.label", "role"]);
      // dockerd converts roles and memberships to swarmkit's enums, refusing unknown ones; swarmkit
      // then filters by role, but lists every node whatever membership was asked for.
      const roles = enumFilter(filters.get("role"), ["manager", "worker"], "role");
      enumFilter(filters.get("membership"), ["accepted", "pending"], "membership");
      const out = [...cluster.store.data.nodes.values()].filter(
        (n) =>
          anyPrefix(filters.get("id"), n.ID) &&
          anyPrefix(filters.get("name"), n.Description.Hostname) &&
          anyEqual(roles, n.Spec.Role) &&
          labelsMatch(filters.get("label"), n.Description.Engine.Labels) &&
          labelsMatch(filters.get("node.label"), n.Spec.Labels),
      );
      return answer(
        "GET /nodes",
        inIdOrder(out, (n) => n.ID),
      );
    }),
  ),
  route("GET", "/nodes/{id}", ({ cluster, params }) =>
    answer("GET /nodes/{id}", cluster.store.node(params.id!)),
  ),
  route("POST", "/nodes/{id}/update", async ({ cluster, params, query, request }) => {
    // dockerd decodes the body before it reads the version.
    const spec = (await readJson(request, "NodeSpec")) as NodeSpec;
    updateNode(cluster, params.id!, parseVersion("node", query.get("version")), spec);
    return empty(200);
  }),
  route(
    "DELETE",
    "/nodes/{id}",
    form(({ cluster, params, query }) => {
      removeNode(cluster, params.id!, boolParam(query.get("force")));
      return empty(200);
    }),
  ),
];
