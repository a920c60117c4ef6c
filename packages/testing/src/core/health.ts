import type { ContainerSpec } from "@flotilla/types";
import type { Cluster } from "./cluster.js";
import { type ContainerProgram, processContext, simulatesImage } from "./container.js";
import { nanosToMillis } from "./duration.js";
import type { StoredTask } from "./model.js";
import { runArgv, startProblem } from "./shell/run.js";

// A container's health check as Docker 20.10 runs it, on the swarm's clock. The first probe
// starts `Interval` after the container starts, each later one `Interval` after the previous one
// ended; a probe that outlives `Timeout` counts as failed (exit -1). A pass makes the container
// healthy; `Retries` failures in a row make it unhealthy, except that failures of probes started
// within `StartPeriod` do not count while it has never been healthy. Swarm holds the task in
// `starting` until the container is healthy; once it is unhealthy, swarm stops the container,
// which then fails with "dockerexec: unhealthy container". (Checked against Docker 20.10.)
//
// The probe runs in the shell simulator with the container's environment and files. Nothing it
// reads changes over time (what the main command writes is not shared with it), so every probe
// gives the same result: the whole schedule is a function of the start time, and nothing needs
// to be stored for it.

/** What `docker inspect` shows as `State.Health`. */
export interface ContainerHealth {
  Status: "starting" | "healthy" | "unhealthy";
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}

/** The task's Err once swarm has stopped its unhealthy container. */
export const unhealthyError = (code: number) =>
  `task: non-zero exit (${code}): dockerexec: unhealthy container`;

const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;
/** The engine keeps the last five probe results, and at most 4096 bytes of each one's output. */
const LOG_ENTRIES = 5;
const OUTPUT_LIMIT = 4096;

interface ProbeResult {
  exitCode: number;
  output: string;
  /** How long the probe ran, in milliseconds. */
  duration: number;
}

const PASSES: ProbeResult = { exitCode: 0, output: "", duration: 0 };

export interface HealthPlan {
  startedAt: number;
  /** From the end of one probe to the end of the next. */
  period: number;
  /** How long each probe runs. */
  duration: number;
  /** The result of probe `k` (1-based); undefined when the engine runs no probe at all. */
  result(k: number): ProbeResult | undefined;
  /** When the container turns healthy (its first probe passed), if it does. */
  healthyAt?: number;
  /** The first failing probe that counts toward `Retries` (Infinity when every probe passes). */
  firstCounted: number;
  /** The probe after which the container is unhealthy, and when that probe ends. */
  unhealthy?: { probe: number; at: number };
}

/**
 * The health check that applies to the task, or undefined when it has none: no `Test` (the
 * busybox image declares no HEALTHCHECK to inherit) or `["NONE"]` (`--no-healthcheck`).
 */
export function healthSettings(spec: ContainerSpec | undefined) {
  const check = spec?.Healthcheck;
  const test = check?.Test ?? [];
  if (test.length === 0 || test[0] === "NONE") return undefined;
  return {
    test,
    interval: nanosToMillis(check?.Interval || undefined, DEFAULT_INTERVAL_MS),
    timeoutNanos: check?.Timeout || DEFAULT_TIMEOUT_MS * 1e6,
    startPeriod: nanosToMillis(check?.StartPeriod || undefined, 0),
    retries: check?.Retries || DEFAULT_RETRIES,
  };
}

/** The task's probe schedule once its container has started; undefined without a health check. */
export function healthPlan(
  cluster: Cluster,
  task: StoredTask,
  program: ContainerProgram,
): HealthPlan | undefined {
  const startedAt = cluster.store.data.runtime.get(task.ID)?.startedAt;
  const settings = healthSettings(task.Spec.ContainerSpec);
  if (!settings || startedAt === undefined) return undefined;
  const { interval, startPeriod, retries } = settings;
  // For an unknown probe type the engine runs no probe at all, and the task stays starting.
  const known = settings.test[0] === "CMD" || settings.test[0] === "CMD-SHELL";
  // The probe runs in the simulator only on the images it knows; elsewhere it passes, until a
  // behaviour's `unhealthyAfter` if that is set.
  const simulated = program.kind === "command" && simulatesImage(task.Spec.ContainerSpec?.Image ?? "");
  const probe = simulated ? probeOf(cluster, task, settings.test, settings.timeoutNanos) : PASSES;
  const { duration } = probe;
  const period = interval + duration;
  let firstFailing = probe.exitCode === 0 ? Number.POSITIVE_INFINITY : 1;
  const failsAfter = program.kind === "behaviour" ? program.behaviour.unhealthyAfter : undefined;
  // Probe k starts at k * period - duration after the container.
  if (failsAfter !== undefined) firstFailing = Math.max(1, Math.ceil((failsAfter + duration) / period));
  const failing: ProbeResult = probe.exitCode === 0 ? { exitCode: 1, output: "", duration } : probe;
  const wasHealthy = firstFailing > 1;
  // Until the container has been healthy once, probes started within the start period do not count.
  const afterStartPeriod = Math.max(1, Math.ceil((startPeriod + duration) / period));
  const firstCounted = wasHealthy ? firstFailing : Math.max(firstFailing, afterStartPeriod);
  const plan: HealthPlan = {
    startedAt,
    period,
    duration,
    firstCounted: known ? firstCounted : Number.POSITIVE_INFINITY,
    result: (k) => (!known ? undefined : k >= firstFailing ? failing : probe),
  };
  if (!known) return plan;
  if (wasHealthy) plan.healthyAt = startedAt + period;
  if (Number.isFinite(firstCounted)) {
    const last = firstCounted + retries - 1;
    plan.unhealthy = { probe: last, at: startedAt + last * period };
  }
  return plan;
}

/** A shell or sleep as PID 1 ignores SIGTERM, so stopping the unhealthy container kills it. */
const KILLED = 137;

/**
 * What swarm does with a started container that has a health check while its task is `starting`:
 * wait until `at`, run it (healthy: undefined), or end it (stopped as unhealthy, or its command
 * exited first). Without a health check, undefined: it runs at once.
 */
export type HealthGate =
  | { kind: "wait"; at: number }
  | { kind: "exit"; code: number; err?: string }
  | undefined;

export function healthGate(cluster: Cluster, task: StoredTask, program: ContainerProgram): HealthGate {
  const plan = healthPlan(cluster, task, program);
  if (!plan) return undefined;
  // Timers land on sums of floating-point milliseconds: a hair early is on time.
  const due = (at: number) => cluster.now >= at - 1e-6;
  // Once unhealthy, the container is stopped, which takes the agent's stop time.
  const killAt = plan.unhealthy ? plan.unhealthy.at + cluster.timings.stop : Number.POSITIVE_INFINITY;
  const decideAt = plan.healthyAt ?? killAt;
  if (program.kind === "command") {
    // The command may end before the health check decides.
    const { startedAt } = plan;
    const known = Number.isFinite(decideAt) ? decideAt - startedAt : cluster.now - startedAt;
    const trace = cluster.traces.traceOf(cluster.store, task, program.argv, startedAt, known);
    const exitAt = trace.exit ? startedAt + trace.exit.at : Number.POSITIVE_INFINITY;
    if (exitAt < decideAt) {
      return due(exitAt) ? { kind: "exit", code: trace.exit!.code } : { kind: "wait", at: exitAt };
    }
    if (!Number.isFinite(decideAt)) return { kind: "wait", at: startedAt + trace.until };
  }
  if (!due(decideAt)) return { kind: "wait", at: decideAt };
  return decideAt === plan.healthyAt
    ? undefined
    : { kind: "exit", code: KILLED, err: unhealthyError(KILLED) };
}

/**
 * When swarm kills a running container for being unhealthy, if it will: the end of its
 * `Retries`-th failing probe plus the stop time. An image behaviour's `unhealthyAfter` without a
 * health check is the shortcut it always was: that long after the task runs.
 */
export function unhealthyKillAt(
  cluster: Cluster,
  task: StoredTask,
  program: ContainerProgram,
): number | undefined {
  const plan = healthPlan(cluster, task, program);
  if (plan?.unhealthy) return plan.unhealthy.at + cluster.timings.stop;
  const failsAfter = program.kind === "behaviour" ? program.behaviour.unhealthyAfter : undefined;
  if (!plan && failsAfter !== undefined) return cluster.now + failsAfter;
  return undefined;
}

/** `State.Health` now, or as the container left it when it ended; undefined without probes. */
export function containerHealth(
  cluster: Cluster,
  task: StoredTask,
  program: ContainerProgram,
): ContainerHealth | undefined {
  const plan = healthPlan(cluster, task, program);
  if (!plan || plan.result(1) === undefined) return undefined;
  const endedAt = cluster.store.data.runtime.get(task.ID)?.endedAt;
  const until = Math.min(cluster.now, endedAt ?? cluster.now);
  const done = Math.max(0, Math.floor((until - plan.startedAt) / plan.period + 1e-9));
  let status: ContainerHealth["Status"] = "starting";
  if (plan.unhealthy && done >= plan.unhealthy.probe) status = "unhealthy";
  else if (plan.healthyAt !== undefined && done >= 1) status = "healthy";
  // A container that has stopped is reported unhealthy, whatever its probes said.
  if (endedAt !== undefined) status = "unhealthy";
  const iso = (ms: number) => new Date(ms).toISOString();
  const log: ContainerHealth["Log"] = [];
  for (let k = Math.max(1, done - LOG_ENTRIES + 1); k <= done; k++) {
    const result = plan.result(k)!;
    const end = plan.startedAt + k * plan.period;
    log.push({
      Start: iso(end - plan.duration),
      End: iso(end),
      ExitCode: result.exitCode,
      Output: result.output,
    });
  }
  const streak = done >= plan.firstCounted ? done - plan.firstCounted + 1 : 0;
  return { Status: status, FailingStreak: streak, Log: log };
}

/**
 * Probe results by task: derived data (a task's spec, environment and files never change), so a
 * snapshot leaves them out, and a deleted task takes its result along.
 */
const probes = new WeakMap<StoredTask, ProbeResult>();

function probeOf(cluster: Cluster, task: StoredTask, test: string[], timeoutNanos: number): ProbeResult {
  let result = probes.get(task);
  if (!result) {
    result = runProbe(cluster, task, test, timeoutNanos);
    probes.set(task, result);
  }
  return result;
}

/** One probe, run as dockerd execs it in the container: `CMD-SHELL` through `/bin/sh -c`. */
function runProbe(cluster: Cluster, task: StoredTask, test: string[], timeoutNanos: number): ProbeResult {
  const shell = test[0] === "CMD-SHELL";
  const argv = shell ? ["/bin/sh", "-c", ...test.slice(1)] : test.slice(1);
  if (argv.length === 0) {
    // Docker 20.10's daemon panics on this (an index out of range) and restarts; the fake fails the probe.
    return { exitCode: -1, output: "fake swarm: the health check names no command", duration: 0 };
  }
  const problem = startProblem(argv);
  if (problem !== undefined) {
    const reason = problem.slice(problem.indexOf("container process: ") + "container process: ".length);
    return {
      exitCode: -1,
      output: `OCI runtime exec failed: exec failed: unable to start container process: ${reason}`,
      duration: 0,
    };
  }
  const timeout = timeoutNanos / 1e6;
  const trace = runArgv(argv, processContext(cluster.store, task), timeout);
  if (!trace.exit || trace.exit.at >= timeout) {
    return {
      exitCode: -1,
      output: `Health check exceeded timeout (${goDuration(timeoutNanos)})`,
      duration: timeout,
    };
  }
  const text = trace.lines.map((line) => `${line.text}\n`).join("");
  return { exitCode: trace.exit.code, output: text.slice(0, OUTPUT_LIMIT), duration: trace.exit.at };
}

/** Go's time.Duration.String(), as the timeout message prints it. */
export function goDuration(nanos: number): string {
  if (nanos === 0) return "0s";
  const sign = nanos < 0 ? "-" : "";
  let n = Math.abs(Math.round(nanos));
  const fraction = (value: number, digits: number) => {
    const whole = Math.floor(value / 10 ** digits);
    const rest = String(value % 10 ** digits)
      .padStart(digits, "0")
      .replace(/0+$/, "");
    return rest ? `${whole}.${rest}` : `${whole}`;
  };
  if (n < 1000) return `${sign}${n}ns`;
  if (n < 1e6) return `${sign}${fraction(n, 3)}µs`;
  if (n < 1e9) return `${sign}${fraction(n, 6)}ms`;
  const hours = Math.floor(n / 3.6e12);
  n -= hours * 3.6e12;
  const minutes = Math.floor(n / 6e10);
  n -= minutes * 6e10;
  const seconds = `${fraction(n, 9)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}
