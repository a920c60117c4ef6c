import { EndpointError } from "./errors.js";
import { FailoverTransport, type FailoverTransportOptions } from "./failover-transport.js";
import type { Transport } from "./transport.js";
import { type ApiVersionOptions, type VersionedTransport, withApiVersion } from "./versioned-transport.js";
import { composeTransport, type TransportWrapper } from "./wrap.js";

// Kept apart from create-transport.ts, which imports every adapter (ssh2 among them), so that a
// program opening only a local socket can stack its transport without loading them.

export interface TransportStackOptions {
  failover?: FailoverTransportOptions;
  /** Wrappers between failover and version negotiation (a debug log), innermost first. */
  wrappers?: readonly TransportWrapper[];
  /** How the version is negotiated or pinned; false for a transport that needs no version paths. */
  apiVersion?: ApiVersionOptions | false;
}

/**
 * The one place transports are stacked, in this order from the wire up:
 * 1. the adapters, one per endpoint;
 * 2. failover over them, when there are several, so that a manager's death moves requests on;
 * 3. the caller's wrappers, which so see every attempt's outcome once, after failover;
 * 4. version negotiation outermost, so that its `/_ping` and the `/v1.xx` paths pass through all
 *    of the above, as every other request does.
 */
export function stackTransports(
  adapters: readonly Transport[],
  options: TransportStackOptions & { apiVersion?: ApiVersionOptions },
): VersionedTransport;
export function stackTransports(adapters: readonly Transport[], options?: TransportStackOptions): Transport;
export function stackTransports(
  adapters: readonly Transport[],
  options: TransportStackOptions = {},
): Transport {
  if (adapters.length === 0) throw new EndpointError("no endpoint to connect to");
  const joined = adapters.length === 1 ? adapters[0]! : new FailoverTransport(adapters, options.failover);
  const wrapped = composeTransport(joined, options.wrappers ?? []);
  if (options.apiVersion === false) return wrapped;
  return withApiVersion(wrapped, options.apiVersion);
}
