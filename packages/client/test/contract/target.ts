import type { Transport } from "@flotilla/transport";
import type { Client, ClientOptions, ServicePatch } from "../../src/index.js";

export interface MakeClientOptions {
  apiVersion?: string;
  /** Lets a case see or count what is sent. */
  wrap?: (transport: Transport) => Transport;
  /** Registry credentials from here; by default none are sent. */
  registryAuth?: ClientOptions["registryAuth"];
  onWarning?: ClientOptions["onWarning"];
}

/** Something the client contract runs against: the real engine, or the fake swarm. */
export interface ClientTarget {
  name: string;
  /** A fresh client; `wrap` lets a case see or count what is sent. */
  makeClient(options?: MakeClientOptions): Promise<Client>;
  images: { current: string; next: string };
  /**
   * A change after which a service's new tasks exit with code 3 as soon as they start: the engine
   * runs `sh -c 'exit 3'`; a target that runs no commands swaps in an image that behaves so.
   */
  crash: ServicePatch;
  /** A client of an engine outside any swarm, where the target can offer one without harm. */
  makeNonSwarmClient?(): Promise<Client>;
  /** Cases this target cannot run yet, each with the reason written down. */
  skip?: Readonly<Record<string, string>>;
}

/** A transport that counts the requests passing through it. */
export function counting(inner: Transport): Transport & { count: number } {
  const wrapper = {
    count: 0,
    get endpoint() {
      return inner.endpoint;
    },
    request(request: Parameters<Transport["request"]>[0]) {
      wrapper.count++;
      return inner.request(request);
    },
    close: () => inner.close(),
    [Symbol.asyncDispose]: () => inner.close(),
  };
  return wrapper;
}

/** A transport that keeps `METHOD /path` of each request passing through it. */
export function recording(inner: Transport): Transport & { requests: string[] } {
  const wrapper = {
    requests: [] as string[],
    get endpoint() {
      return inner.endpoint;
    },
    request(request: Parameters<Transport["request"]>[0]) {
      wrapper.requests.push(`${request.method} ${request.path.replace(/^\/v\d+\.\d+/, "")}`);
      return inner.request(request);
    },
    close: () => inner.close(),
    [Symbol.asyncDispose]: () => inner.close(),
  };
  return wrapper;
}

export function uniqueName(test: string): string {
  return `client-${test}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A random /24 in 10.200.0.0–10.249.255.0, far from where swarm's default pool hands out subnets. */
export function randomSubnet(): { subnet: string; gateway: string } {
  const prefix = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 256)}`;
  return { subnet: `${prefix}.0/24`, gateway: `${prefix}.1` };
}
