import { type Client, ConvergenceError } from "@flotilla/client";
import { failureText, instanceFailures } from "../commands/service/failures.js";
import type { CommandContext } from "../context.js";
import { NotConvergedError } from "../errors.js";
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
    const said = await explainTimeout(client, id, error);
    view?.finish(`not converged: ${said?.message ?? (error as Error).message}`);
    throw said ?? error;
  }
  view?.finish("Service converged");
}

/**
 * A wait that ran out of time reports the tasks' last states, which say little ("prepared") when
 * swarm keeps replacing tasks that end: read the history and say why, or undefined to keep it.
 */
async function explainTimeout(client: Client, id: string, error: unknown): Promise<Error | undefined> {
  if (!(error instanceof ConvergenceError) || error.reason !== "timeout") return undefined;
  const history = await client.tasks.listAttrs({ service: id }).catch(() => undefined);
  if (!history) return undefined;
  const [head] = error.message.split("; ", 1);
  const failure = [...instanceFailures(history).values()][0];
  if (failure)
    return new NotConvergedError(`${head}; its instances keep failing: ${failureText(failure)}`, error);
  const exited = history.filter((t) => t.Status?.State === "complete" && t.DesiredState !== "complete");
  if (exited.length > 0) {
    const codes = [...new Set(exited.map((t) => t.Status?.ContainerStatus?.ExitCode ?? 0))].join(", ");
    return new NotConvergedError(
      `${head}; its command keeps ending (exit code ${codes}, ${exited.length} times) and swarm starts it again: a service's command must keep running`,
      error,
    );
  }
  return undefined;
}
