import { AbortError, type Transport, wrapTransport } from "@flotilla/transport";
import type { VersionSource } from "./raw.js";

// A client given a signal (a CLI's Ctrl-C) stops waiting the moment it fires, whatever is in
// flight: every request carries the signal down to the transport, which drops the exchange, and
// the version negotiation that may come first (one ping shared by every caller, so sent without
// any one caller's signal) is given up on as well; closing the transport frees its socket.

/** Settles as `work` does, or rejects with an AbortError as soon as `signal` fires. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new AbortError(what, { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError(what, { cause: signal.reason }));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** `transport` with `signal` added to every request (beside the request's own, if any). */
export function interruptibleTransport(transport: Transport, signal: AbortSignal): Transport {
  return wrapTransport(transport, (request, inner) =>
    inner.request({
      ...request,
      signal: request.signal ? AbortSignal.any([request.signal, signal]) : signal,
    }),
  );
}

/** Negotiation that stops waiting when `signal` fires. */
export function interruptibleVersions(versions: VersionSource, signal: AbortSignal): VersionSource {
  return {
    negotiate: () => untilAborted(versions.negotiate(), signal, "GET /_ping"),
    ...(versions.pinned !== undefined && { pinned: versions.pinned }),
  };
}
