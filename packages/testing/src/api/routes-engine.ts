import { EngineError } from "../core/errors.js";
import { type Route, route } from "./context.js";
import { json, readJson } from "./http.js";
import { unescapePath } from "./unescape-path.js";

// The rest of the spec's surface, answered as this fake's engine would: it has no registry to
// reach and no containers of its own (tasks are simulated without them), so these calls answer
// with the errors a registry-less engine gives. Texts checked against Docker 20.10.

export const engineRoutes: Route[] = [
  // dockerd asks the registry for the manifest; with no network to it, the lookup fails and the
  // CLI falls back to "could not be accessed on a registry to record its digest".
  route(
    "GET",
    "/distribution/{name}/json",
    ({ url }) => {
      const name = unescapePath(
        url.pathname.replace(/^(\/v[\d.]+)?\/distribution\//, "").replace(/\/json$/, ""),
      );
      const host = registryHost(name);
      throw new EngineError("Unknown", `Get "https://${host}/v2/": dial tcp: lookup ${host}: no such host`);
    },
    false,
  ),
  ...["json", "logs", "stats"].map((what) =>
    route(
      "GET",
      `/containers/{id}/${what}`,
      ({ params }) => {
        throw new EngineError("NotFound", `No such container: ${params.id}`);
      },
      false,
    ),
  ),
  route("GET", "/plugins", () => json(200, []), false),
  ...["connect", "disconnect"].map((what) =>
    route("POST", `/networks/{id}/${what}`, async ({ request }) => {
      // Read as Go reads it into types.NetworkConnect: a body of another kind is refused by its
      // type, and `null` is the zero value, with no container.
      const schema = what === "connect" ? "NetworkConnectRequest" : "NetworkDisconnectRequest";
      const body = ((await readJson(request, schema)) ?? {}) as { Container?: string };
      // The container is looked up first, and the fake has none.
      if (!body.Container) throw new EngineError("InvalidParameter", 'invalid name or ID supplied: ""');
      throw new EngineError("NotFound", `No such container: ${body.Container}`);
    }),
  ),
];

/** Where a reference's registry is: the first path part when it looks like a host, else Docker Hub. */
function registryHost(name: string): string {
  const first = name.split("/")[0]!;
  const isHost = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return isHost && first !== "docker.io" ? first : "registry-1.docker.io";
}
