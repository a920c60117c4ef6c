import type { Transport } from "@flotilla/transport";
import type { Client } from "../../src/index.js";

/** Something the client contract runs against: the real engine, or the fake swarm. */
export interface ClientTarget {
  name: string;
  /** A fresh client; `wrap` lets a case see or count what is sent. */
  makeClient(options?: { apiVersion?: string; wrap?: (transport: Transport) => Transport }): Promise<Client>;
  images: { current: string; next: string };
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

export function uniqueName(test: string): string {
  return `client-${test}-${Math.random().toString(36).slice(2, 8)}`;
}
