import type { NodeSpec } from "@flotilla/types";
import { removeNode, updateNode } from "../core/nodes.js";
import { parseVersion } from "../core/validation.js";
import { type Route, route } from "./context.js";
import { anyEqual, anyPrefix, checkKeys, labelsMatch, parseFilters } from "./filters.js";
import { boolParam, empty, json, readJson } from "./http.js";

export const nodeRoutes: Route[] = [
  route("GET", "/nodes", ({ cluster, query }) => {
    const filters = parseFilters(query.get("filters"));
    checkKeys(filters, ["id", "label", "membership", "name", "node.label", "role"]);
    const out = [...cluster.store.data.nodes.values()].filter(
      (n) =>
        anyPrefix(filters.get("id"), n.ID) &&
        anyPrefix(filters.get("name"), n.Description.Hostname) &&
        anyEqual(filters.get("role"), n.Spec.Role) &&
        anyEqual(filters.get("membership"), "accepted") &&
        labelsMatch(filters.get("label"), n.Description.Engine.Labels) &&
        labelsMatch(filters.get("node.label"), n.Spec.Labels),
    );
    return json(200, out);
  }),
  route("GET", "/nodes/{id}", ({ cluster, params }) => json(200, cluster.store.node(params.id!))),
  route("POST", "/nodes/{id}/update", async ({ cluster, params, query, request }) => {
    const version = parseVersion("node", query.get("version"));
    updateNode(cluster, params.id!, version, (await readJson(request)) as NodeSpec);
    return empty(200);
  }),
  route("DELETE", "/nodes/{id}", ({ cluster, params, query }) => {
    removeNode(cluster, params.id!, boolParam(query.get("force")));
    return empty(200);
  }),
];
