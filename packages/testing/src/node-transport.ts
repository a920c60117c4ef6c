import {
  ConnectionError,
  MemoryTransport,
  type MemoryTransportOptions,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from "@flotilla/transport";
import type { ApiHost } from "./api/context.js";
import type { FetchHandler } from "./api/handler.js";
import type { Cluster } from "./core/cluster.js";

// One node's engine as its own endpoint, for tests of clients that talk to several managers: it
// answers as that node (a worker refuses swarm calls with dockerd's 503), and while the node is
// down it fails as a dead engine's socket does: new requests are refused, and the streams it was
// serving break off with a lost connection instead of ending.

/** A node's Engine API: its handler, its streams (so they can be cut), whether it runs. */
export class NodeEngine {
  readonly hostname: string;
  readonly endpoint: string;
  readonly handle: FetchHandler;
  readonly #cluster: Cluster;
  readonly #streams = new Set<(error: Error) => void>();

  constructor(
    cluster: Cluster,
    hostname: string,
    handlerFor: (host: ApiHost) => FetchHandler,
    base: ApiHost,
  ) {
    this.#cluster = cluster;
    this.hostname = hostname;
    this.endpoint = `fake://${hostname}`;
    const host: ApiHost = {
      ...base,
      // The node's own role, whatever node the swarm-wide API answers as.
      local: () => ({
        state: base.local().state,
        role: this.#node().Spec.Role === "worker" ? "worker" : "manager",
      }),
    };
    const inner = handlerFor(host);
    this.handle = async (request) => {
      if (!this.running) throw this.#refused();
      const response = await inner(request);
      // The node went down while handling it: whatever the swarm did, the answer is lost.
      if (!this.running) {
        await response.body?.cancel().catch(() => {});
        throw this.#lost();
      }
      if (!response.body) return response;
      return new Response(this.#cuttable(response.body), {
        status: response.status,
        headers: response.headers,
      });
    };
  }

  /** False while the node is down: its engine is taken to be stopped. */
  get running(): boolean {
    return this.#node().Status.State !== "down";
  }

  /** Breaks every stream this engine is serving, as the engine dying does. */
  cutStreams(): void {
    const error = this.#lost();
    for (const cut of [...this.#streams]) cut(error);
  }

  transport(options?: MemoryTransportOptions): NodeTransport {
    return new NodeTransport(this.endpoint, new MemoryTransport(this.handle, options));
  }

  #node() {
    return this.#cluster.store.node(this.hostname);
  }

  #lost(): ConnectionError {
    return new ConnectionError("ERR_CONNECTION_LOST", {
      endpoint: this.endpoint,
      problem: `${this.hostname}'s engine stopped while answering`,
      hint: "the engine restarted or the network dropped; retry if the request is safe to repeat",
    });
  }

  #refused(): ConnectionError {
    return new ConnectionError("ERR_CONNECTION_REFUSED", {
      endpoint: this.endpoint,
      problem: "connection refused",
      hint: `${this.hostname}'s engine is stopped (the node is down)`,
    });
  }

  #cuttable(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    let cut: ((error: Error) => void) | undefined;
    const forget = () => {
      if (cut) this.#streams.delete(cut);
    };
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        cut = (error) => {
          forget();
          controller.error(error);
          reader.cancel(error).catch(() => {});
        };
        this.#streams.add(cut);
      },
      pull: async (controller) => {
        try {
          const { done, value } = await reader.read();
          if (done) {
            forget();
            controller.close();
          } else controller.enqueue(value);
        } catch (error) {
          forget();
          controller.error(error);
        }
      },
      cancel: (reason) => {
        forget();
        return reader.cancel(reason);
      },
    });
  }
}

/** A memory transport named after its node, so failover messages say which node failed. */
export class NodeTransport implements Transport {
  readonly endpoint: string;
  readonly #inner: MemoryTransport;

  constructor(endpoint: string, inner: MemoryTransport) {
    this.endpoint = endpoint;
    this.#inner = inner;
  }

  request(request: TransportRequest): Promise<TransportResponse> {
    return this.#inner.request(request);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
