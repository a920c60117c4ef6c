import type { Cluster } from "./cluster.js";
import { type ContainerProgram, failsToStart, programOf } from "./container.js";
import { hostPortStatus } from "./endpoint.js";
import { healthGate, unhealthyError, unhealthyKillAt } from "./health.js";
import { isTerminal, type StoredTask, wantsStop } from "./model.js";

// What a node's agent does with the tasks assigned to it: walks each one through the engine's
// states toward its desired state, with the status messages dockerd reports, and makes the
// container behave as its image's registered behaviour says, or as its command would.

/** A shell or sleep as PID 1 ignores SIGTERM, so the engine kills it when the grace period ends. */
const KILLED = 137;

type Cause = "step" | "exit" | "unhealthy";

export function advanceTask(cluster: Cluster, task: StoredTask, cause: Cause = "step"): void {
  const node = task.NodeID ? cluster.store.data.nodes.get(task.NodeID) : undefined;
  // A down node's agent reports nothing; its tasks stay as last seen.
  if (node?.Status.State !== "ready") return;
  const state = task.Status.State;
  if (isTerminal(state)) return;
  const program = programOf(task, (image) => cluster.images.find(image));

  if (wantsStop(task.DesiredState)) {
    stopContainer(cluster, task, program.kind === "behaviour" ? program.behaviour.stopExitCode : KILLED);
    return;
  }
  if (cause === "exit" && state === "running") {
    if (program.kind === "command") watchCommand(cluster, task, program.argv);
    else exitContainer(cluster, task, program.behaviour.exit?.code ?? 0);
    return;
  }
  if (cause === "unhealthy" && state === "running") {
    exitContainer(cluster, task, KILLED, unhealthyError(KILLED));
    return;
  }

  const step = cluster.timings.step;
  switch (state) {
    case "assigned":
      cluster.setState(task, "accepted", "accepted");
      cluster.wakeAgent(task, step);
      return;
    case "accepted":
      cluster.setState(task, "preparing", "preparing");
      cluster.wakeAgent(task, step);
      return;
    case "preparing": {
      const problem = prepareProblem(task, program.kind === "behaviour" && program.behaviour.missing);
      if (problem) {
        task.Status.ContainerStatus = { ContainerID: "", PID: 0, ExitCode: 0 };
        cluster.setState(task, "rejected", "preparing", problem);
        return;
      }
      task.Status.ContainerStatus = { ContainerID: cluster.ids.containerId(), PID: 0, ExitCode: 0 };
      cluster.setState(task, "ready", "prepared");
      cluster.wakeAgent(task, step);
      return;
    }
    case "ready":
      // Held here until the orchestrator lets it run (restart delay, stop-first updates).
      if (task.DesiredState === "ready") return;
      cluster.setState(task, "starting", "starting");
      cluster.wakeAgent(task, step);
      return;
    case "starting": {
      const container = task.Status.ContainerStatus!;
      const problem = failsToStart(program);
      if (problem !== undefined) {
        // dockerd reports what a shell would: 127, command not found.
        if (program.kind === "command") container.ExitCode = 127;
        cluster.setState(task, "failed", "starting", problem);
        return;
      }
      const runtime = cluster.store.data.runtime.get(task.ID)!;
      runtime.startedAt ??= cluster.now;
      // With a health check, swarm reports the task running only once the container is healthy.
      const gate = healthGate(cluster, task, program);
      if (gate?.kind === "wait") {
        if (Number.isFinite(gate.at)) cluster.wakeAgent(task, gate.at - cluster.now);
        return;
      }
      if (gate?.kind === "exit") {
        exitContainer(cluster, task, gate.code, gate.err);
        return;
      }
      // Swarm reports the PID once the task runs (0 while a health check holds it in starting).
      container.PID = cluster.ids.between(1000, 60000);
      runtime.runningAt = cluster.now;
      task.Status.PortStatus = hostPortStatus(cluster, task);
      cluster.setState(task, "running", "started");
      watchExit(cluster, task, program);
      return;
    }
    default:
      return;
  }
}

function prepareProblem(task: StoredTask, imageMissing: boolean): string | undefined {
  const spec = task.Spec.ContainerSpec;
  if (imageMissing) return `No such image: ${spec?.Image}`;
  for (const mount of spec?.Mounts ?? []) {
    if (!mount.Target) return `invalid mount config for type "${mount.Type}": field Target must not be empty`;
  }
  return undefined;
}

function watchExit(cluster: Cluster, task: StoredTask, program: ContainerProgram): void {
  const killAt = unhealthyKillAt(cluster, task, program);
  if (killAt !== undefined)
    cluster.after(Math.max(killAt - cluster.now, 0), "task-unhealthy", task.ID, cluster.now);
  if (program.kind === "command") {
    watchCommand(cluster, task, program.argv);
    return;
  }
  const { exit } = program.behaviour;
  if (exit) cluster.after(exit.after, "task-exit", task.ID, cluster.now);
}

/**
 * Exits the container if its command has ended by now; otherwise looks again when it will have,
 * or, for a command that loops, when its trace runs out.
 */
function watchCommand(cluster: Cluster, task: StoredTask, argv: string[]): void {
  const runtime = cluster.store.data.runtime.get(task.ID)!;
  const startedAt = runtime.startedAt ?? cluster.now;
  const elapsed = cluster.now - startedAt;
  const trace = cluster.traces.traceOf(cluster.store, task, argv, startedAt, elapsed);
  if (trace.exit && trace.exit.at <= elapsed) {
    exitContainer(cluster, task, trace.exit.code);
    return;
  }
  const next = trace.exit?.at ?? trace.until;
  if (Number.isFinite(next))
    cluster.after(Math.max(next - elapsed, 0), "task-exit", task.ID, runtime.runningAt);
}

function exitContainer(cluster: Cluster, task: StoredTask, code: number, err?: string): void {
  cluster.store.data.runtime.get(task.ID)!.endedAt = cluster.now;
  const container = task.Status.ContainerStatus!;
  container.PID = 0;
  container.ExitCode = code;
  // A container that ends while a health check holds its task in starting keeps that message.
  const message = task.Status.State === "starting" ? "starting" : "started";
  if (code === 0 && err === undefined) cluster.setState(task, "complete", "finished");
  else cluster.setState(task, "failed", message, err ?? `task: non-zero exit (${code})`);
}

function stopContainer(cluster: Cluster, task: StoredTask, exitCode: number): void {
  const container = task.Status.ContainerStatus;
  if (container) {
    container.PID = 0;
    const runtime = cluster.store.data.runtime.get(task.ID)!;
    // Started: running, or held in starting by its health check.
    if (runtime.startedAt !== undefined && runtime.endedAt === undefined) {
      container.ExitCode = exitCode;
      runtime.endedAt = cluster.now;
    }
  }
  cluster.setState(task, "shutdown", "shutdown");
}

/** A node that comes back reports in: its agent resumes every unfinished task. */
export function onNodeBackUp(cluster: Cluster, nodeId: string): void {
  for (const task of cluster.store.tasksOn(nodeId)) {
    if (!isTerminal(task.Status.State)) cluster.wakeAgent(task, cluster.timings.step);
  }
}
