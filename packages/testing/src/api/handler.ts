import type { Cluster } from "../core/cluster.js";
import { EngineError, NOT_IN_SWARM, WORKER_NODE } from "../core/errors.js";
import { API_VERSION, MAX_API_VERSION, MIN_API_VERSION } from "./api-versions.js";
import type { ApiHost, Route } from "./context.js";
import { errorResponse, json } from "./http.js";
import { containerRoutes } from "./routes-containers.js";
import { engineRoutes } from "./routes-engine.js";
import { localRoutes } from "./routes-local.js";
import { nodeRoutes } from "./routes-nodes.js";
import { objectRoutes } from "./routes-objects.js";
import { serviceRoutes } from "./routes-services.js";
import { systemRoutes } from "./routes-system.js";
import { taskRoutes } from "./routes-tasks.js";
import { unescapePath } from "./unescape-path.js";

// The fake's one primitive: a WHATWG Request in, the Response dockerd would give out. Versioned
// (`/v1.41/...`) and bare paths both work. Everything else (memory transport, socket server)
// is an adapter around this function.

const ROUTES: Route[] = [
  ...systemRoutes,
  ...serviceRoutes,
  ...taskRoutes,
  ...nodeRoutes,
  ...objectRoutes,
  ...containerRoutes,
  ...localRoutes,
  ...engineRoutes,
];
const VERSIONED = /^\/v(\d+\.\d+)(\/.*)$/;

/** Seen by the control layer before and after each call: recording and fault injection. */
export interface HandlerHooks {
  /** May answer in place of the engine (an injected error) or wait first (injected latency). */
  before?(
    method: string,
    path: string,
    request: Request,
  ): Promise<Response | undefined> | Response | undefined;
  after?(method: string, path: string, request: Request, response: Response): void;
}

export type FetchHandler = (request: Request) => Promise<Response>;

export function createHandler(cluster: Cluster, host: ApiHost, hooks: HandlerHooks = {}): FetchHandler {
  return async (request) => {
    const url = new URL(request.url);
    // Go's server cannot parse such a request line and answers before any handler runs.
    if (/%(?![0-9a-fA-F]{2})/.test(url.pathname)) return badRequestLine();
    // Routes match the unescaped path, as gorilla/mux does in dockerd (`a%2Fb` is two segments).
    let path = unescapePath(url.pathname);
    let apiVersion = API_VERSION;
    const versioned = VERSIONED.exec(path);
    if (versioned) {
      const version = versioned[1]!;
      apiVersion = version;
      if (compare(version, MAX_API_VERSION) > 0) {
        return json(400, {
          message: `client version ${version} is too new. Maximum supported API version is ${MAX_API_VERSION}`,
        });
      }
      if (compare(version, MIN_API_VERSION) < 0) {
        return json(400, {
          message: `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
        });
      }
      path = versioned[2]!;
    }
    const method = request.method.toUpperCase();
    const injected = await hooks.before?.(method, path, request);
    const response = injected ?? (await dispatch(cluster, host, request, url, method, path, apiVersion));
    hooks.after?.(method, path, request, response);
    return response;
  };
}

async function dispatch(
  cluster: Cluster,
  host: ApiHost,
  request: Request,
  url: URL,
  method: string,
  path: string,
  apiVersion: string,
) {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const match = r.pattern.exec(path);
    if (!match) continue;
    try {
      if (r.swarm) {
        const local = host.local();
        if (local.state !== "active") throw new EngineError("Unavailable", NOT_IN_SWARM);
        if (local.role !== "manager") throw new EngineError("Unavailable", WORKER_NODE);
      }
      const params = Object.fromEntries(r.names.map((name, i) => [name, match[i + 1]!]));
      const response = await r.handler({
        request,
        url,
        query: url.searchParams,
        params,
        apiVersion,
        cluster,
        host,
      });
      // Whatever the call changed, the orchestrators see before the next call does.
      if (method !== "GET" && method !== "HEAD") cluster.reconcile();
      return response;
    } catch (error) {
      if (error instanceof EngineError) return errorResponse(error);
      throw error;
    }
  }
  // dockerd's router answers an unknown path, and a known path with a method it lacks, alike.
  return json(404, { message: "page not found" });
}

/** What Go's net/http writes for a request line it cannot parse: no handler, no JSON. */
function badRequestLine(): Response {
  return new Response("400 Bad Request", {
    status: 400,
    headers: { "Content-Type": "text/plain; charset=utf-8", Connection: "close" },
  });
}

function compare(a: string, b: string): number {
  const [a1, a2] = a.split(".").map(Number) as [number, number];
  const [b1, b2] = b.split(".").map(Number) as [number, number];
  return a1 - b1 || a2 - b2;
}
