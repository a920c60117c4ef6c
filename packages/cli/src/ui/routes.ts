import type { Client } from "@flotilla/client";
import { isFlotillaError } from "@flotilla/types";
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { describeError } from "../errors.js";
import type { AssetName, Assets } from "./assets.js";
import { guard } from "./security.js";
import type { SwarmWatch } from "./swarm-watch.js";
import { serviceDetail, taskView } from "./view-model.js";
import type { ActionRefusal, LogView } from "./wire.js";

// The UI server's routes, all under /TOKEN/: the page and its files, the swarm as server-sent
// events (a snapshot, then patches), a service's detail and logs, and the actions. Every engine
// call goes through the client; its refusals come back as { error } with the engine's words.

export interface UiRoutesOptions {
  client: Client;
  watch: SwarmWatch;
  assets: Assets;
  token: string;
  /** The port listened on, known once listening (the Host check needs it). */
  port: () => number;
}

/** Seconds between SSE comments, so a proxy or a sleeping laptop notices a dead connection. */
const HEARTBEAT_MS = 15_000;

export function uiRoutes(options: UiRoutesOptions): Hono {
  const { client, watch, assets, token } = options;
  const app = new Hono();
  app.use("*", guard(token, options.port));
  const at = (path: string) => `/${token}${path}`;

  const asset = (c: Context, name: AssetName) => {
    const file = assets.get(name)!;
    return c.body(new Uint8Array(file.body), 200, { "Content-Type": file.type });
  };
  app.get(`/${token}`, (c) => c.redirect(`/${token}/`));
  app.get(at("/"), (c) => asset(c, "index.html"));
  app.get(at("/assets/app.js"), (c) => asset(c, "app.js"));
  app.get(at("/assets/style.css"), (c) => asset(c, "style.css"));

  app.get(at("/api/events"), (c) =>
    streamSSE(c, async (stream) => {
      const queue: string[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = watch.subscribe((message) => {
        queue.push(JSON.stringify(message));
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: "snapshot", data: JSON.stringify(watch.view) });
      await stream.writeSSE({ event: "status", data: JSON.stringify(watch.status) });
      while (!stream.aborted) {
        const message = queue.shift();
        if (message !== undefined) {
          await stream.writeSSE({ event: "change", data: message });
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, HEARTBEAT_MS).unref();
        });
        wake = undefined;
        if (queue.length === 0 && !stream.aborted) await stream.write(": still here\n\n");
      }
      unsubscribe();
    }),
  );

  app.get(at("/api/services/:id"), async (c) =>
    refusing(c, async () => {
      const id = c.req.param("id")!;
      const [service, tasks] = await Promise.all([client.services.get(id), client.services.tasks(id)]);
      const names = new Map([[service.id, service.name ?? service.id]]);
      const attrs = tasks.map((t) => t.attrs);
      return c.json({
        detail: serviceDetail(service.attrs, attrs),
        tasks: attrs
          .map((t) => taskView(t, names))
          .sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0) || (a.createdAt < b.createdAt ? 1 : -1)),
      });
    }),
  );

  app.get(at("/api/services/:id/logs"), (c) => {
    const id = c.req.param("id")!;
    const tail = c.req.query("tail") ?? "100";
    const follow = c.req.query("follow") !== "0";
    if (tail !== "all" && !/^\d+$/.test(tail))
      return c.json({ error: `tail: "${tail}" is not a number of lines` } satisfies ActionRefusal, 400);
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      try {
        const lines = client.services.logs(id, {
          follow,
          tail: tail === "all" ? "all" : Number(tail),
          timestamps: true,
          signal: abort.signal,
        });
        for await (const line of lines) {
          const view: LogView = {
            stream: line.stream,
            line: line.line,
            ...(line.timestamp && { timestamp: line.timestamp }),
            ...(line.taskId && { taskId: line.taskId }),
            ...(line.nodeId && { nodeId: line.nodeId }),
          };
          await stream.writeSSE({ event: "line", data: JSON.stringify(view) });
        }
        await stream.writeSSE({ event: "end", data: "{}" });
      } catch (error) {
        if (abort.signal.aborted) return;
        await stream.writeSSE({ event: "failed", data: JSON.stringify({ error: sayError(error) }) });
      }
    });
  });

  const act = (path: string, run: (c: Context, body: Record<string, unknown>) => Promise<unknown>) =>
    app.post(at(path), (c) =>
      refusing(c, async () => {
        const body: unknown = await c.req.json().catch(() => ({}));
        await run(c, typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {});
        void watch.refresh();
        return c.json({ ok: true });
      }),
    );

  act("/api/services/:id/scale", async (c, body) => {
    const replicas = body.replicas;
    if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0)
      throw new InputRefusal("replicas: a whole number, 0 or more");
    await client.services.scale(c.req.param("id")!, replicas);
  });
  act("/api/services/:id/image", async (c, body) => {
    const image = typeof body.image === "string" ? body.image.trim() : "";
    if (image === "" || /\s/.test(image)) throw new InputRefusal("image: an image name such as busybox:1.36");
    await client.services.update(c.req.param("id")!, { image });
  });
  act("/api/services/:id/restart", (c) => client.services.forceUpdate(c.req.param("id")!));
  act("/api/services/:id/rollback", (c) => client.services.rollback(c.req.param("id")!));
  act("/api/nodes/:id/availability", async (c, body) => {
    const availability = body.availability;
    if (availability !== "active" && availability !== "drain" && availability !== "pause")
      throw new InputRefusal("availability: active, drain or pause");
    await client.nodes.update(c.req.param("id")!, { availability });
  });

  app.notFound((c) => c.text("not found\n", 404));
  app.onError((error, c) => c.json({ error: sayError(error) } satisfies ActionRefusal, 500));
  return app;
}

/** Bad input from the page: answered 400 with the field's name. */
class InputRefusal extends Error {}

async function refusing(c: Context, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    const status = error instanceof InputRefusal ? 400 : engineStatus(error);
    return c.json({ error: sayError(error) } satisfies ActionRefusal, status);
  }
}

function engineStatus(error: unknown): 400 | 404 | 409 | 500 | 502 {
  const status = (error as { status?: unknown }).status;
  if (status === 400 || status === 404 || status === 409) return status;
  return isFlotillaError(error) ? 502 : 500;
}

/** The words a person reads: the engine's (or the client's) own, never a JavaScript error's. */
function sayError(error: unknown): string {
  if (error instanceof InputRefusal || isFlotillaError(error)) return describeError(error);
  return "the UI server could not do that (an unexpected failure, not the engine's refusal)";
}
