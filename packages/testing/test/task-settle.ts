// When a service's tasks, read as `State|Message|Err|ExitCode|DesiredState` lines, have stopped
// moving, so that a differential test compares them once both sides are done, not mid-way.

const TERMINAL = /^(complete|failed|rejected)\|/;

/**
 * Whether a service's tasks have stopped moving: `ended` of them in a terminal state, and the
 * orchestrator done with each of those. A task's own state ends first; its desired state is set
 * after, by the orchestrator (Docker 20.10 has shown `complete|...|running` for a moment under
 * load), so a terminal task still desired running has not settled.
 */
export function settled(tasks: string[], ended: number): boolean {
  const terminal = tasks.filter((t) => TERMINAL.test(t));
  return terminal.length >= ended && terminal.every((t) => !/\|(running|ready)$/.test(t));
}
