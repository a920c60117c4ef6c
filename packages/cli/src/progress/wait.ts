import type { Client } from "@flotilla/client";
import type { CommandContext } from "../context.js";
import { createProgressView } from "./progress-view.js";

export interface WaitFlags {
  detach?: boolean;
  /** Milliseconds (read from --timeout's seconds before the command ran). */
  timeout?: number;
  quiet?: boolean;
}

/**
 * Waits for a service to converge, showing progress on stderr's terminal or as lines; returns at
 * once under --detach. --timeout bounds every wait: a job or an empty service never hangs it.
 */
export async function waitForService(
  context: CommandContext,
  client: Client,
  id: string,
  name: string,
  flags: WaitFlags,
  purpose: { rollback?: boolean } = {},
): Promise<void> {
  if (flags.detach) return;
  const timeout = flags.timeout ?? 300_000;
  const view = flags.quiet ? undefined : createProgressView(context.stderr, name, context.colors);
  try {
    await client.services.waitUntilConverged(id, {
      timeout,
      rollback: purpose.rollback,
      signal: context.signal,
      interval: context.pollInterval,
      stableFor: context.io.convergedFor,
      onProgress: (report) => view?.update(report),
    });
  } catch (error) {
    view?.finish(`not converged: ${(error as Error).message}`);
    throw error;
  }
  view?.finish("Service converged");
}
