import type { AddressInfo } from "node:net";
import type { Client } from "@flotilla/client";
import { serve } from "@hono/node-server";
import { CommandFailedError } from "../errors.js";
import { defaultAssetsDir, loadAssets } from "./assets.js";
import { uiRoutes } from "./routes.js";
import { newToken } from "./security.js";
import { SwarmWatch, type SwarmWatchOptions } from "./swarm-watch.js";

// `flotilla ui`'s server: hono's routes (routes.ts) on Node's HTTP server through
// @hono/node-server, bound to 127.0.0.1 only. Hono because its core speaks web Request/Response
// (app.request() runs it in memory), its SSE helper is what the live view needs, and it bundles
// to a few tens of kB with no dependencies of its own; the node adapter is its thin glue to
// node:http.

export interface UiServerOptions {
  client: Client;
  /** 0 (the default) takes a free port. */
  port?: number;
  /** Where the page's files are (the bundle's `ui/` folder by default). */
  assetsDir?: string;
  /** A fixed token, for tests; a random one by default. */
  token?: string;
  watch?: SwarmWatchOptions;
}

export interface UiServer extends AsyncDisposable {
  /** The address to open: http://127.0.0.1:PORT/TOKEN/ */
  url: string;
  port: number;
  token: string;
  watch: SwarmWatch;
  close(): Promise<void>;
}

export const UI_HOST = "127.0.0.1";

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const assets = loadAssets(options.assetsDir ?? defaultAssetsDir());
  const token = options.token ?? newToken();
  const watch = new SwarmWatch(options.client, options.watch);
  await watch.start();
  let port = 0;
  const app = uiRoutes({ client: options.client, watch, assets, token, port: () => port });
  const server = serve({
    fetch: app.fetch,
    hostname: UI_HOST,
    port: options.port ?? 0,
    // The client's requests must keep Node's own fetch classes.
    overrideGlobalObjects: false,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
  } catch (error) {
    await watch[Symbol.asyncDispose]();
    const code = (error as { code?: unknown }).code;
    if (code === "EADDRINUSE") throw new CommandFailedError(`--port ${options.port}: that port is in use`);
    if (code === "EACCES")
      throw new CommandFailedError(`--port ${options.port}: not allowed to listen there`);
    throw new CommandFailedError(`could not listen on ${UI_HOST}:${options.port ?? 0}`);
  }
  port = (server.address() as AddressInfo).port;
  const close = async () => {
    await watch[Symbol.asyncDispose]();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Event streams stay open until their pages go: end them too.
      if ("closeAllConnections" in server) server.closeAllConnections();
    });
  };
  return {
    url: `http://${UI_HOST}:${port}/${token}/`,
    port,
    token,
    watch,
    close,
    [Symbol.asyncDispose]: close,
  };
}
