import {
  type ConfigSpec,
  compareApiVersions,
  goTypes,
  type NetworkCreateRequest,
  type SecretSpec,
} from "@flotilla/types";
import { EngineError } from "../core/errors.js";
import type { StoredNetwork, StoredSecret } from "../core/model.js";
import {
  createConfig,
  createNetwork,
  createSecret,
  removeNetwork,
  removeObject,
  updateObject,
} from "../core/objects.js";
import { checkObjectData, parseVersion } from "../core/validation.js";
import { form, type Route, route } from "./context.js";
import { anyEqual, anyPrefix, checkKeys, inIdOrder, labelsMatch, parseFilters } from "./filters.js";
import { answer, boolParam, empty, readJson } from "./http.js";
import { BUILTIN, findLocal, type LocalNetwork, localNetworks, refuseRemoval } from "./local-networks.js";
import { swarmNetworkView } from "./network-view.js";

// Secrets, configs and networks. Secret data goes in and never comes back out.

/** dockerd refuses, rather than drops, templating asked for in an API version before it. */
function refuseTemplating(kind: "secret" | "config", spec: SecretSpec | ConfigSpec, apiVersion: string) {
  const since = goTypes[kind === "secret" ? "SecretSpec" : "ConfigSpec"]?.fields?.Templating?.min;
  if (spec.Templating !== undefined && since && compareApiVersions(apiVersion, since) < 0) {
    throw new EngineError(
      "InvalidParameter",
      `${kind} templating is not supported on the specified API version: ${apiVersion}`,
    );
  }
}

const hideData = (secret: StoredSecret) => {
  const { Data: _data, ...spec } = secret.Spec;
  return { ...secret, Spec: spec };
};

export const objectRoutes: Route[] = [
  route(
    "GET",
    "/secrets",
    form(({ cluster, query }) => {
      const f = parseFilters(query.get("filters"));
      checkKeys(f, ["id", "label", "name", "names"]);
      const out = [...cluster.store.data.secrets.values()].filter(
        (s) =>
          anyPrefix(f.get("id"), s.ID) &&
          anyPrefix(f.get("name"), s.Spec.Name) &&
          anyEqual(f.get("names"), s.Spec.Name) &&
          labelsMatch(f.get("label"), s.Spec.Labels),
      );
      return answer("GET /secrets", inIdOrder(out, (s) => s.ID).map(hideData));
    }),
  ),
  route("POST", "/secrets/create", async ({ apiVersion, cluster, request }) => {
    const body = await readJson(request, "SecretSpec");
    refuseTemplating("secret", body as SecretSpec, apiVersion);
    checkObjectData(body);
    return answer("POST /secrets/create", { ID: createSecret(cluster, body as SecretSpec).ID }, 201);
  }),
  route("GET", "/secrets/{id}", ({ cluster, params }) =>
    answer("GET /secrets/{id}", hideData(cluster.store.secret(params.id!))),
  ),
  route("POST", "/secrets/{id}/update", async ({ cluster, params, query, request }) => {
    // dockerd decodes the body before it reads the version.
    const spec = (await readJson(request, "SecretSpec")) as SecretSpec;
    updateObject(cluster, "secret", params.id!, parseVersion("secret", query.get("version")), spec);
    return empty(200);
  }),
  route("DELETE", "/secrets/{id}", ({ cluster, params }) => {
    removeObject(cluster, "secret", params.id!);
    return empty(204);
  }),
  route(
    "GET",
    "/configs",
    form(({ cluster, query }) => {
      const f = parseFilters(query.get("filters"));
      checkKeys(f, ["id", "label", "name", "names"]);
      const out = [...cluster.store.data.configs.values()].filter(
        (c) =>
          anyPrefix(f.get("id"), c.ID) &&
          anyPrefix(f.get("name"), c.Spec.Name) &&
          anyEqual(f.get("names"), c.Spec.Name) &&
          labelsMatch(f.get("label"), c.Spec.Labels),
      );
      return answer(
        "GET /configs",
        inIdOrder(out, (c) => c.ID),
      );
    }),
  ),
  route("POST", "/configs/create", async ({ apiVersion, cluster, request }) => {
    const body = await readJson(request, "ConfigSpec");
    refuseTemplating("config", body as ConfigSpec, apiVersion);
    checkObjectData(body);
    return answer("POST /configs/create", { ID: createConfig(cluster, body as ConfigSpec).ID }, 201);
  }),
  route("GET", "/configs/{id}", ({ cluster, params }) =>
    answer("GET /configs/{id}", cluster.store.config(params.id!)),
  ),
  route("POST", "/configs/{id}/update", async ({ cluster, params, query, request }) => {
    // dockerd decodes the body before it reads the version.
    const spec = (await readJson(request, "ConfigSpec")) as ConfigSpec;
    updateObject(cluster, "config", params.id!, parseVersion("config", query.get("version")), spec);
    return empty(200);
  }),
  route("DELETE", "/configs/{id}", ({ cluster, params }) => {
    removeObject(cluster, "config", params.id!);
    return empty(204);
  }),
  route(
    "GET",
    "/networks",
    form(({ cluster, host, query }) => {
      const f = parseFilters(query.get("filters"));
      checkKeys(f, ["dangling", "driver", "id", "label", "name", "scope", "type"]);
      const inSwarm = host.local().state === "active";
      // dockerd lists the swarm's networks first, then its own, each in ID order.
      const swarm = inSwarm ? inIdOrder([...cluster.store.data.networks.values()], (n) => n.Id) : [];
      const local = inIdOrder(localNetworks(cluster, inSwarm), (n) => n.Id);
      const all: (StoredNetwork | LocalNetwork)[] = [...swarm, ...local];
      // The engine has no containers here, so only the built-in networks are never dangling.
      const dangling = f.get("dangling");
      const out = all.filter(
        (n) =>
          anyPrefix(f.get("id"), n.Id) &&
          nameMatches(f.get("name"), n) &&
          anyEqual(f.get("driver"), n.Driver) &&
          anyEqual(f.get("scope"), n.Scope) &&
          anyEqual(f.get("type"), BUILTIN.has(n.Name) ? "builtin" : "custom") &&
          (!dangling || dangling.includes(String(!BUILTIN.has(n.Name)))) &&
          labelsMatch(f.get("label"), n.Labels),
      );
      return answer("GET /networks", out);
    }),
    false,
  ),
  route("POST", "/networks/create", async ({ cluster, request }) => {
    const network = createNetwork(
      cluster,
      (await readJson(request, "NetworkCreateRequest")) as NetworkCreateRequest,
    );
    return answer("POST /networks/create", { Id: network.Id, Warning: "" }, 201);
  }),
  route(
    "GET",
    "/networks/{id}",
    form(({ cluster, host, params, query }) => {
      const local = findLocal(localNetworks(cluster, host.local().state === "active"), params.id!);
      if (local) return answer("GET /networks/{id}", local);
      const network = cluster.store.network(params.id!);
      return answer(
        "GET /networks/{id}",
        swarmNetworkView(cluster, network, boolParam(query.get("verbose"))),
      );
    }),
    false,
  ),
  // Only swarm networks exist here; ingress is never pruned, and networks in use stay.
  route("POST", "/networks/prune", ({ cluster, query }) => {
    const f = parseFilters(query.get("filters"));
    const deleted: string[] = [];
    for (const network of [...cluster.store.data.networks.values()]) {
      if (network.Ingress || !labelsMatch(f.get("label"), network.Labels)) continue;
      try {
        removeNetwork(cluster, network.Id);
        deleted.push(network.Name);
      } catch {
        // In use by a service: kept, as the engine keeps it.
      }
    }
    return answer("POST /networks/prune", { NetworksDeleted: deleted });
  }),
  route("DELETE", "/networks/{id}", ({ cluster, params }) => {
    const local = findLocal(localNetworks(cluster, true), params.id!);
    if (local) refuseRemoval(local);
    removeNetwork(cluster, params.id!);
    return empty(204);
  }),
];

/**
 * dockerd asks swarmkit for swarm networks by exact name, and matches the networks the node has
 * instantiated (ingress here) by pattern, as it matches local ones.
 */
function nameMatches(wanted: string[] | undefined, network: StoredNetwork | LocalNetwork): boolean {
  if (!wanted) return true;
  return wanted.some((w) => {
    if (w === network.Name) return true;
    if (network.Scope === "swarm" && !network.Ingress) return false;
    try {
      return new RegExp(w).test(network.Name);
    } catch {
      return false;
    }
  });
}
