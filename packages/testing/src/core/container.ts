import type { NormalizedBehaviour } from "./images.js";
import type { StoredTask } from "./model.js";
import { type ProcessContext, runArgv, runsAsBusybox, startProblem, type Trace } from "./shell/run.js";
import type { Store } from "./store.js";

// What a task's container does once started. A behaviour registered for its image wins; failing
// that, its command (ContainerSpec.Command + Args, or the image's default CMD) is run by the shell
// simulator as busybox would run it; failing that (an image the fake knows nothing about, with a
// command that is not busybox's), it runs forever and prints nothing.

export type ContainerProgram =
  | { kind: "behaviour"; behaviour: NormalizedBehaviour }
  | { kind: "command"; argv: string[] };

/** Images whose default CMD is known: busybox and alpine both start `/bin/sh`. */
const SHELL_IMAGES = new Set(["busybox", "alpine"]);
const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export const RUNS_FOREVER: NormalizedBehaviour = { missing: false, logs: [], stopExitCode: 0 };

function imageName(image: string): string {
  const noDigest = image.split("@")[0]!;
  return noDigest
    .replace(/:[^/:]+$/, "")
    .split("/")
    .at(-1)!;
}

/** Images the shell simulator stands in for: what runs in them (health probes too) is simulated. */
export const simulatesImage = (image: string) => SHELL_IMAGES.has(imageName(image));

/** The argv the engine would exec: Command replaces the entrypoint, Args the image's CMD. */
export function effectiveArgv(image: string, command?: string[], args?: string[]): string[] | undefined {
  const shellImage = SHELL_IMAGES.has(imageName(image));
  if (command?.length) return [...command, ...(args ?? [])];
  if (args?.length) return args;
  return shellImage ? ["/bin/sh"] : undefined;
}

export function programOf(
  task: StoredTask,
  lookup: (image: string) => NormalizedBehaviour | undefined,
): ContainerProgram {
  const spec = task.Spec.ContainerSpec;
  const image = spec?.Image ?? "";
  const behaviour = lookup(image);
  if (behaviour) return { kind: "behaviour", behaviour };
  const argv = effectiveArgv(image, spec?.Command, spec?.Args);
  if (!argv || (!SHELL_IMAGES.has(imageName(image)) && !runsAsBusybox(argv))) {
    return { kind: "behaviour", behaviour: RUNS_FOREVER };
  }
  return { kind: "command", argv };
}

/** Why the container cannot start, as dockerd words it; undefined when it starts. */
export function failsToStart(program: ContainerProgram): string | undefined {
  return program.kind === "behaviour" ? program.behaviour.failsToStart : startProblem(program.argv);
}

/** The first horizon a looping program is run to; each later run doubles it. */
const FIRST_HORIZON = 60_000;

/**
 * The traces of running commands, by task. Derived data only (the same task always gives the same
 * trace), so snapshots leave it out; keyed by the task object, so deleted tasks take theirs along.
 */
export class CommandTraces {
  #traces = new WeakMap<StoredTask, { startedAt: number; trace: Trace }>();

  /** The task's trace, known beyond `elapsed` ms past its start. */
  traceOf(store: Store, task: StoredTask, argv: string[], startedAt: number, elapsed: number): Trace {
    const cached = this.#traces.get(task);
    if (cached && cached.startedAt === startedAt && cached.trace.until > elapsed) return cached.trace;
    const known = cached?.startedAt === startedAt ? cached.trace.until : 0;
    const horizon = Math.max(FIRST_HORIZON, 2 * elapsed, 2 * known);
    const trace = runArgv(argv, { ...processContext(store, task), startedAt }, horizon);
    this.#traces.set(task, { startedAt, trace });
    return trace;
  }

  clear(): void {
    this.#traces = new WeakMap();
  }
}

/** The environment and files the engine gives the container. */
export function processContext(store: Store, task: StoredTask): ProcessContext {
  const spec = task.Spec.ContainerSpec ?? {};
  const service = store.data.services.get(task.ServiceID);
  const node = task.NodeID ? store.data.nodes.get(task.NodeID) : undefined;
  const expand = (text: string) =>
    expandTemplate(text, task, service?.Spec.Name ?? "", node?.Description.Hostname ?? "");
  const containerId = task.Status.ContainerStatus?.ContainerID ?? "";
  const user = spec.User?.split(":")[0];
  const env: Record<string, string> = {
    PATH: imageName(spec.Image ?? "") === "busybox" ? "/bin" : DEFAULT_PATH,
    HOSTNAME: spec.Hostname ? expand(spec.Hostname) : containerId.slice(0, 12),
  };
  for (const entry of spec.Env ?? []) {
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = expand(entry.slice(eq + 1));
  }
  env.HOME ??= !user || user === "root" || user === "0" ? "/root" : "/";
  const files: Record<string, string> = {};
  const decode = (data?: string) => (data ? Buffer.from(data, "base64").toString("utf8") : "");
  for (const ref of spec.Secrets ?? []) {
    const name = ref.File?.Name ?? ref.SecretName ?? "";
    const secret = ref.SecretID ? store.data.secrets.get(ref.SecretID) : undefined;
    files[name.startsWith("/") ? name : `/run/secrets/${name}`] = decode(secret?.Spec.Data);
  }
  for (const ref of spec.Configs ?? []) {
    const config = ref.ConfigID ? store.data.configs.get(ref.ConfigID) : undefined;
    const name = ref.File?.Name ?? ref.ConfigName ?? "";
    if (ref.File) files[name.startsWith("/") ? name : `/${name}`] = decode(config?.Spec.Data);
  }
  return { env, files };
}

/** The placeholders swarm expands in Hostname and Env (`{{.Task.Slot}}` and friends). */
function expandTemplate(text: string, task: StoredTask, serviceName: string, nodeHostname: string): string {
  const taskName = `${serviceName}.${task.Slot ?? task.NodeID}.${task.ID}`;
  const values: Record<string, string> = {
    ".Service.ID": task.ServiceID,
    ".Service.Name": serviceName,
    ".Task.ID": task.ID,
    ".Task.Name": taskName,
    ".Task.Slot": String(task.Slot ?? ""),
    ".Node.ID": task.NodeID ?? "",
    ".Node.Hostname": nodeHostname,
  };
  return text.replace(/\{\{\s*(\.[A-Za-z.]+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole);
}
