import type { Cluster } from "../core/cluster.js";

// What a route gets: the parsed request, the swarm below, and the host around it (which node
// the API runs on, and a way to hear that time moved, for streams).

export interface ApiHost {
  /** Whether the node answering is in a swarm, and as what. */
  local(): { state: "active" | "inactive" | "locked"; role: "manager" | "worker" };
  init(spec: unknown): string;
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

/** `/services/{id}/update` becomes a pattern with named parameters. */
export function route(method: string, path: string, handler: RouteHandler, swarm = true): Route {
  const names: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { method, pattern: new RegExp(`^${source}/?$`), names, swarm, handler };
}
