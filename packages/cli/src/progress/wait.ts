import type { Client } from "@flotilla/client";
import type { CommandContext } from "../context.js";
import { createProgressView } from "./progress-view.js";

export interface WaitFlags {
  detach?: boolean;
  timeout?: string;
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
  const { parseSeconds } = await import("../options/units.js");
  const timeout = parseSeconds(flags.timeout ?? "300", "--timeout");
  const view = flags.quiet ? undefined : createProgressView(context.stderr, name, context.colors);
  // A rollback that ended before this change (a scale or stop after an automatic rollback) leaves
  // UpdateStatus at rollback_completed, which the client reads as this change rolling back. Such a
  // status keeps its StartedAt; a rollback of this change starts anew.
  const before = (await client.services.get(id)).attrs.UpdateStatus;
  const staleRollback = before?.State === "rollback_completed" ? before.StartedAt : undefined;
  let rollback = purpose.rollback;
  try {
    for (;;) {
      try {
        await client.services.waitUntilConverged(id, {
          timeout,
          rollback,
          signal: context.signal,
          interval: context.pollInterval,
          stableFor: context.io.convergedFor,
          onProgress: (report) => view?.update(report),
        });
        break;
      } catch (error) {
        const rolledBack = (error as { reason?: unknown }).reason === "rolled-back";
        if (!rolledBack || rollback || staleRollback === undefined) throw error;
        const now = (await client.services.get(id)).attrs.UpdateStatus;
        if (now?.StartedAt !== staleRollback) throw error;
        rollback = true;
      }
    }
  } catch (error) {
    view?.finish(`not converged: ${(error as Error).message}`);
    throw error;
  }
  view?.finish("Service converged");
}
