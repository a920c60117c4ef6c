import type { FetchHandler } from "../src/adapters/memory.js";

// Just enough of an engine for the contract suite, as a fetch handler: ping, version, a 404,
// volumes create/delete with their events, and an /events stream that stays open until aborted.

interface VolumeEvent {
  Type: "volume";
  Action: string;
  Actor: { ID: string };
  time: number;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export function tinyEngine(apiVersion = "1.41"): FetchHandler {
  const events: VolumeEvent[] = [];
  return async (request) => {
    const url = new URL(request.url);
    const headers = { "api-version": apiVersion };
    if (url.pathname === "/_ping" || url.pathname === `/v${apiVersion}/_ping`)
      return new Response("OK", { headers });
    const match = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
    if (!match) return json(400, { message: "unversioned path" });
    const path = match[2]!;
    if (path === "/_ping") return new Response("OK", { headers });
    if (path === "/version") return json(200, { ApiVersion: apiVersion, Version: "tiny" });
    if (path.startsWith("/services/")) return json(404, { message: `service ${path.slice(10)} not found` });
    if (path === "/volumes/create" && request.method === "POST") {
      const { Name } = (await request.json()) as { Name: string };
      events.push({ Type: "volume", Action: "create", Actor: { ID: Name }, time: Date.now() / 1000 });
      return json(201, { Name, Driver: "local" });
    }
    if (path.startsWith("/volumes/") && request.method === "DELETE") {
      events.push({
        Type: "volume",
        Action: "destroy",
        Actor: { ID: path.slice(9) },
        time: Date.now() / 1000,
      });
      return new Response(null, { status: 204 });
    }
    if (path === "/events") return eventStream(url, request.signal, events);
    return json(404, { message: `page not found` });
  };
}

function eventStream(url: URL, signal: AbortSignal, events: VolumeEvent[]): Response {
  const filters = JSON.parse(url.searchParams.get("filters") ?? "{}") as { volume?: string[] };
  const finite = url.searchParams.has("until");
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const event of events) {
        if (filters.volume && !filters.volume.includes(event.Actor.ID)) continue;
        controller.enqueue(new TextEncoder().encode(`${JSON.stringify(event)}\n`));
      }
      if (finite) controller.close();
      else signal.addEventListener("abort", () => controller.error(signal.reason), { once: true });
    },
  });
  return new Response(body, { headers: { "content-type": "application/json" } });
}
