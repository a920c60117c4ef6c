import type { SwarmInitRequest, SwarmSpec, SwarmUnlockRequest } from "@flotilla/types";
import { newUnlockKey } from "../core/bootstrap.js";
import { ALREADY_IN_SWARM, EngineError, outOfSequence } from "../core/errors.js";
import type { SwarmEvent } from "../core/events.js";
import { parseVersion, validateSwarmSpec } from "../core/validation.js";
import { type ApiHost, form, type Route, type RouteContext, route } from "./context.js";
import { anyEqual, anyPrefix, type Filters, labelsMatch, parseFilters } from "./filters.js";
import { answer, boolParam, empty, engineHeaders, json, readJson } from "./http.js";
import { infoBody, versionBody } from "./system-info.js";

// Ping, version, info, events and the swarm object itself.

export const systemRoutes: Route[] = [
  route(
    "GET",
    "/_ping",
    ({ host }) =>
      new Response("OK", {
        headers: engineHeaders({ "Content-Type": "text/plain; charset=utf-8", Swarm: swarmHeader(host) }),
      }),
    false,
  ),
  route(
    "HEAD",
    "/_ping",
    // Docker 20.10 sends no Swarm header on HEAD; the docker CLI pings with HEAD, so it sends
    // swarm requests and shows the engine's own errors, as it does against 20.10.
    () => new Response(null, { headers: engineHeaders({ "Content-Type": "text/plain; charset=utf-8" }) }),
    false,
  ),
  route("GET", "/version", () => answer("GET /version", versionBody()), false),
  route("GET", "/info", ({ cluster, host }) => answer("GET /info", infoBody(cluster, host)), false),
  route("GET", "/events", form(events), false),
  route("GET", "/swarm", ({ cluster }) => answer("GET /swarm", cluster.store.data.swarm)),
  route(
    "POST",
    "/swarm/init",
    async ({ apiVersion, host, request }) =>
      json(200, host.init((await readJson(request, "SwarmInitRequest", apiVersion)) as SwarmInitRequest)),
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
    async ({ host, request }) => {
      // dockerd decodes the body first: a misfit is refused whatever the node's state.
      await readJson(request, "SwarmJoinRequest");
      if (host.local().state !== "inactive") throw new EngineError("Unavailable", ALREADY_IN_SWARM);
      // There is no other swarm in memory to join: say so rather than hang as a join would.
      throw new EngineError(
        "Unknown",
        "fake swarm: joining a swarm is not simulated; start the fake in a swarm instead",
      );
    },
    false,
  ),
  route(
    "POST",
    "/swarm/unlock",
    async ({ host, request }) => {
      // `null` is Go's zero value: no key given.
      const body = ((await readJson(request, "SwarmUnlockRequest")) ?? {}) as SwarmUnlockRequest;
      host.unlock(body.UnlockKey ?? "");
      return empty(200);
    },
    false,
  ),
  route("GET", "/swarm/unlockkey", ({ cluster }) =>
    answer("GET /swarm/unlockkey", { UnlockKey: cluster.store.data.unlockKey ?? "" }),
  ),
  route("POST", "/swarm/update", async ({ cluster, query, request }) => {
    // dockerd decodes the body before it reads the version.
    const body = await readJson(request, "SwarmSpec");
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

/** dockerd's `Swarm` header: the node's state, with its role once it is active. */
function swarmHeader(host: ApiHost): string {
  const { state, role } = host.local();
  return state === "active" ? `active/${role}` : state;
}

/** A `since`/`until` value as dockerd parses it: seconds, optionally with `.nanoseconds`. */
function timestampMs(value: string): number {
  const [seconds = "", nanos] = value.split(/\.(.*)/s, 2);
  for (const part of [seconds, nanos ?? "0"]) {
    if (!/^[+-]?\d+$/.test(part)) {
      throw new EngineError("Unknown", `strconv.ParseInt: parsing ${JSON.stringify(part)}: invalid syntax`);
    }
  }
  return Number(seconds) * 1000 + (nanos ? Number(`0.${nanos}`) * 1000 : 0);
}

/** The filters that name an object: each matches by ID or name prefix, whatever the event's type. */
const OBJECT_FILTERS = [
  "container",
  "daemon",
  "plugin",
  "volume",
  "network",
  "node",
  "service",
  "secret",
  "config",
];

/** dockerd's events filter: every filter given must match, across types. */
function eventMatches(filters: Filters, e: SwarmEvent): boolean {
  const { ID, Attributes } = e.Actor;
  const name = Attributes.name ?? "";
  const image = filters.get("image");
  return (
    anyEqual(filters.get("type"), e.Type) &&
    anyEqual(filters.get("event"), e.Action) &&
    anyEqual(filters.get("scope"), e.scope) &&
    OBJECT_FILTERS.every((key) => anyPrefix(filters.get(key), ID) || anyPrefix(filters.get(key), name)) &&
    (!image || image.some((i) => i === ID || i === Attributes.image)) &&
    labelsMatch(filters.get("label"), Attributes)
  );
}

/** Past events from `since`, then live ones until `until` (virtual time) or the caller leaves. */
function events(ctx: RouteContext): Response {
  const { cluster, query, host, request } = ctx;
  const filters = parseFilters(query.get("filters"));
  const since = query.get("since");
  const until = query.get("until");
  const sinceMs = since === null ? undefined : timestampMs(since);
  const untilMs = until === null ? undefined : timestampMs(until);
  const matches = (e: SwarmEvent) =>
    eventMatches(filters, e) && (untilMs === undefined || e.timeNano / 1e6 <= untilMs);
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
