import type { Transport, TransportRequest, TransportResponse } from "./transport.js";

// Wrappers compose as undici's interceptors do: a wrapper is a function from a transport to a
// transport. What every wrapper passes through untouched (the endpoint, close, dispose) is
// written here once, so a wrapper says only what it does to a request.

/** Takes a transport and gives one that sends through it: a debug log, a signal, version paths. */
export type TransportWrapper = (inner: Transport) => Transport;

/** What a wrapper does to one request; `inner` is the transport it wraps. */
export type RequestStep = (request: TransportRequest, inner: Transport) => Promise<TransportResponse>;

/**
 * The base of every single-transport wrapper: `endpoint`, `close` and dispose go to the inner
 * transport. Subclasses override `request` and keep their own state (see VersionedTransport).
 */
export class ForwardingTransport implements Transport {
  protected readonly inner: Transport;

  constructor(inner: Transport) {
    this.inner = inner;
  }

  get endpoint(): string {
    return this.inner.endpoint;
  }

  request(request: TransportRequest): Promise<TransportResponse> {
    return this.inner.request(request);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

class SteppedTransport extends ForwardingTransport {
  readonly #step: RequestStep;

  constructor(inner: Transport, step: RequestStep) {
    super(inner);
    this.#step = step;
  }

  override request(request: TransportRequest): Promise<TransportResponse> {
    return this.#step(request, this.inner);
  }
}

/** A wrapper made of one request step, with the lifecycle forwarded. */
export function wrapTransport(inner: Transport, step: RequestStep): Transport {
  return new SteppedTransport(inner, step);
}

/** `base` wrapped by each wrapper in turn: the first is innermost, the last sees requests first. */
export function composeTransport(base: Transport, wrappers: readonly TransportWrapper[]): Transport {
  return wrappers.reduce<Transport>((inner, wrap) => wrap(inner), base);
}
