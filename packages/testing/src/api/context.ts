import type { SwarmInitRequest } from "@flotilla/types";
import type { Cluster } from "../core/cluster.js";
import { EngineError } from "../core/errors.js";

// What a route gets: the parsed request, the swarm below, and the host around it (which node
// the API runs on, and a way to hear that time moved, for streams).

export interface ApiHost {
  /** Whether the node answering is in a swarm, and as what. */
  local(): { state: "active" | "inactive" | "locked"; role: "manager" | "worker" };
  /** Makes the swarm from a decoded init request; answers the first node's ID. */
  init(request: SwarmInitRequest): string;
  leave(force: boolean): void;
  /** Unlocks a locked manager with its unlock key. */
  unlock(key: string): void;
  /** Called after the clock moves and the swarm has reconciled. */
  onAdvance(listener: () => void): () => void;
}

export interface RouteContext {
  request: Request;
  url: URL;
  query: URLSearchParams;
  params: Record<string, string>;
  /** The request's API version: its path's, or the engine's own for a bare path, as dockerd sets it. */
  apiVersion: string;
  cluster: Cluster;
  host: ApiHost;
}

export type RouteHandler = (ctx: RouteContext) => Response | Promise<Response>;

export interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  /** Needs the node to be a swarm manager. */
  swarm: boolean;
  handler: RouteHandler;
}

/**
 * The error Go's url.ParseQuery returns for a raw query string: a semicolon in any pair wins over
 * the first bad escape, which Go keeps only while nothing else went wrong.
 */
export function queryError(raw: string): string | undefined {
  const pairs = raw.split("&");
  if (pairs.some((pair) => pair.includes(";"))) return "invalid semicolon separator in query";
  for (const pair of pairs) {
    const bad = /%(?![0-9a-fA-F]{2})/.exec(pair);
    if (bad) return `invalid URL escape ${JSON.stringify(pair.slice(bad.index, bad.index + 3))}`;
  }
  return undefined;
}

/**
 * A handler that reads its query as dockerd's handlers that call ParseForm do: a query Go cannot
 * parse is refused (400) before anything else. Handlers without it read only the pairs that
 * parse, as Go's URL.Query() does.
 */
export function form(handler: RouteHandler): RouteHandler {
  return (ctx) => {
    const error = queryError(ctx.url.search.slice(1));
    if (error) throw new EngineError("InvalidParameter", error);
    return handler(ctx);
  };
}

/** `/services/{id}/update` becomes a pattern with named parameters. */
export function route(method: string, path: string, handler: RouteHandler, swarm = true): Route {
  const names: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { method, pattern: new RegExp(`^${source}/?$`), names, swarm, handler };
}
