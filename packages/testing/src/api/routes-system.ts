import type { SwarmSpec } from "@flotilla/types";
import { newUnlockKey } from "../core/bootstrap.js";
import { ALREADY_IN_SWARM, EngineError, outOfSequence } from "../core/errors.js";
import type { SwarmEvent } from "../core/events.js";
import { checkSwarmDecodes, parseVersion, validateSwarmSpec } from "../core/validation.js";
import { type Route, type RouteContext, route } from "./context.js";
import { anyEqual, parseFilters } from "./filters.js";
import { API_VERSION, boolParam, empty, engineHeaders, json, MIN_API_VERSION, readJson } from "./http.js";

// Ping, version, info, events and the swarm object itself.

export const systemRoutes: Route[] = [
  route(
    "GET",
    "/_ping",
    () =>
      new Response("OK", {
        headers: engineHeaders({ "Content-Type": "text/plain; charset=utf-8", Swarm: "active/manager" }),
      }),
    false,
  ),
  route(
    "HEAD",
    "/_ping",
    () => new Response(null, { headers: engineHeaders({ "Content-Type": "text/plain; charset=utf-8" }) }),
    false,
  ),
  route(
    "GET",
    "/version",
    () =>
      json(200, {
        Platform: { Name: "Flotilla fake swarm" },
        Version: "20.10.24",
        ApiVersion: API_VERSION,
        MinAPIVersion: MIN_API_VERSION,
        Os: "linux",
        Arch: "amd64",
        KernelVersion: "fake",
        Components: [{ Name: "Engine", Version: "20.10.24", Details: { ApiVersion: API_VERSION } }],
      }),
    false,
  ),
  route("GET", "/info", info, false),
  route("GET", "/events", events, false),
  route("GET", "/swarm", ({ cluster }) => json(200, cluster.store.data.swarm)),
  route(
    "POST",
    "/swarm/init",
    async ({ host, request }) => json(200, host.init(await readJson(request))),
    false,
  ),
  route(
    "POST",
    "/swarm/leave",
    ({ host, query }) => {
      host.leave(boolParam(query.get("force")));
      return empty(200);
    },
    false,
  ),
  route(
    "POST",
    "/swarm/join",
    ({ host }) => {
      if (host.local().state !== "inactive") throw new EngineError(503, ALREADY_IN_SWARM);
      // There is no other swarm in memory to join: say so rather than hang as a join would.
      throw new EngineError(
        500,
        "fake swarm: joining a swarm is not simulated; start the fake in a swarm instead",
      );
    },
    false,
  ),
  route(
    "POST",
    "/swarm/unlock",
    async ({ host, request }) => {
      const body = (await readJson(request)) as { UnlockKey?: string };
      host.unlock(body.UnlockKey ?? "");
      return empty(200);
    },
    false,
  ),
  route("GET", "/swarm/unlockkey", ({ cluster }) =>
    json(200, { UnlockKey: cluster.store.data.unlockKey ?? "" }),
  ),
  route("POST", "/swarm/update", async ({ cluster, query, request }) => {
    // dockerd decodes the body before it reads the version.
    const body = await readJson(request);
    checkSwarmDecodes(body);
    const version = parseVersion("swarm", query.get("version"));
    const spec = body as SwarmSpec;
    validateSwarmSpec(spec);
    const swarm = cluster.store.data.swarm!;
    if (version !== swarm.Version.Index) throw outOfSequence();
    swarm.Spec = spec;
    const token = () => cluster.ids.token(25);
    const [prefix] = swarm.JoinTokens.Worker.split(/-[^-]+$/);
    if (boolParam(query.get("rotateWorkerToken"))) swarm.JoinTokens.Worker = `${prefix}-${token()}`;
    if (boolParam(query.get("rotateManagerToken"))) swarm.JoinTokens.Manager = `${prefix}-${token()}`;
    const autolock = spec.EncryptionConfig?.AutoLockManagers === true;
    const data = cluster.store.data;
    if (autolock && (data.unlockKey === null || boolParam(query.get("rotateManagerUnlockKey")))) {
      data.unlockKey = newUnlockKey(cluster);
    }
    if (!autolock) data.unlockKey = null;
    cluster.store.touch(swarm, cluster.iso());
    return empty(200);
  }),
];

function info({ cluster, host }: RouteContext): Response {
  const local = host.local();
  const nodes = [...cluster.store.data.nodes.values()];
  const managers = nodes.filter((n) => n.Spec.Role === "manager");
  const self = managers.find((n) => n.ManagerStatus?.Leader) ?? nodes[0];
  const inSwarm = local.state === "active";
  return json(200, {
    ID: "FAKE:SWARM",
    Name: self?.Description.Hostname ?? "fake",
    ServerVersion: "20.10.24",
    OSType: "linux",
    Architecture: "x86_64",
    NCPU: (self?.Description.Resources.NanoCPUs ?? 0) / 1e9,
    MemTotal: self?.Description.Resources.MemoryBytes ?? 0,
    Swarm: {
      NodeID: inSwarm ? self?.ID : "",
      NodeAddr: inSwarm ? self?.Status.Addr : "",
      LocalNodeState: local.state,
      ControlAvailable: inSwarm && local.role === "manager",
      Error: "",
      RemoteManagers: inSwarm ? managers.map((m) => ({ NodeID: m.ID, Addr: m.ManagerStatus?.Addr })) : null,
      ...(inSwarm && { Nodes: nodes.length, Managers: managers.length }),
      ...(inSwarm && local.role === "manager" && { Cluster: withoutTokens(cluster.store.data.swarm!) }),
    },
  });
}

function withoutTokens<T extends { JoinTokens?: unknown }>(swarm: T): Omit<T, "JoinTokens"> {
  const { JoinTokens: _tokens, ...rest } = swarm;
  return rest;
}

/** Past events from `since`, then live ones until `until` (virtual time) or the caller leaves. */
function events(ctx: RouteContext): Response {
  const { cluster, query, host, request } = ctx;
  const filters = parseFilters(query.get("filters"));
  const since = query.get("since");
  const until = query.get("until");
  const sinceMs = since === null ? undefined : Number(since) * 1000;
  const untilMs = until === null ? undefined : Number(until) * 1000;
  if ((since !== null && Number.isNaN(sinceMs)) || (until !== null && Number.isNaN(untilMs))) {
    throw new EngineError(400, "invalid timestamp");
  }
  const matches = (e: SwarmEvent) =>
    anyEqual(filters.get("type"), e.Type) &&
    anyEqual(filters.get("event"), e.Action) &&
    anyEqual(filters.get("scope"), e.scope) &&
    anyEqual(filters.get(e.Type), e.Actor.ID, e.Actor.Attributes.name) &&
    (untilMs === undefined || e.timeNano / 1e6 <= untilMs);
  const encoder = new TextEncoder();
  const line = (e: SwarmEvent) => encoder.encode(`${JSON.stringify(e)}\n`);
  const past =
    sinceMs === undefined
      ? []
      : cluster.events.recent().filter((e) => e.timeNano / 1e6 >= sinceMs && matches(e));
  const headers = engineHeaders({ "Content-Type": "application/json" });
  if (untilMs !== undefined && untilMs <= cluster.now) {
    return new Response(past.map((e) => JSON.stringify(e)).join("\n") + (past.length ? "\n" : ""), {
      headers,
    });
  }
  let cleanup = () => {};
  let open = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const e of past) controller.enqueue(line(e));
      const unsubscribe = cluster.events.subscribe((e) => {
        if (matches(e)) controller.enqueue(line(e));
      });
      const stopTicks = host.onAdvance(() => {
        if (untilMs !== undefined && cluster.now >= untilMs) finish();
      });
      const finish = () => {
        if (!open) return;
        open = false;
        cleanup();
        controller.close();
      };
      cleanup = () => {
        unsubscribe();
        stopTicks();
      };
      request.signal.addEventListener("abort", finish, { once: true });
    },
    cancel() {
      open = false;
      cleanup();
    },
  });
  return new Response(body, { headers });
}
