import type { Node, Service, ServiceSpec, Task } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { formatPort } from "../../options/ports.js";
import { LABELS } from "../../options/service-spec.js";
import { paintState } from "../../output/color.js";
import { compareNatural } from "../../output/compare.js";
import { formatBytes, formatNanoseconds } from "../../output/units.js";
import { exitCodeOf, failureText, type InstanceFailure, instanceFailures, newestFirst } from "./failures.js";
import { LIFECYCLE_LABELS, lifecycleOf, rememberedInstances, unpark } from "./lifecycle.js";
import { describeNetworks } from "./links.js";
import { findService } from "./lookup.js";
import { countsOf, replicasText, serviceState, type TaskCounts } from "./service-rows.js";
import { ago, instanceKey } from "./task-rows.js";

export async function run(context: CommandContext, [name]: string[]): Promise<void> {
  const client = await context.client();
  const found = (await findService(client, name!)).attrs;
  const job = found.Spec?.Mode?.ReplicatedJob !== undefined || found.Spec?.Mode?.GlobalJob !== undefined;
  const [history, nodes, listed] = await Promise.all([
    // All of them: an instance's last failure is in an older task than the one it runs now.
    client.tasks.listAttrs({ service: found.ID }),
    client.nodes.list(),
    // The list (not inspect) carries ServiceStatus, the counts `service ls` shows.
    client.services.list({ filters: { id: [found.ID!] } }),
  ]);
  const service = listed.map((s) => s.attrs).find((s) => s.ID === found.ID) ?? found;
  // A job's tasks are wanted "complete", not "running": all of them are its instances.
  const tasks = job ? history : history.filter((t) => LIVE.has(t.DesiredState ?? ""));
  // The spec holds network IDs; people know the networks (and links) by name.
  const networks = await describeNetworks(client, shownSpec(service.Spec ?? {}));
  context.stdout.write(
    describeService(
      service,
      tasks,
      nodes.map((n) => n.attrs),
      {
        now: context.now(),
        failures: instanceFailures(history),
        networks,
        paint: (state, text) => paintState(context.colors, state, text),
      },
    ),
  );
}

/** What an instance's current task is wanted as: running, or ready (a restart waiting its delay). */
const LIVE = new Set(["running", "ready"]);

/** The spec `show` describes: a stopped or undeployed service's parked spec, unparked. */
function shownSpec(parked: ServiceSpec): ServiceSpec {
  return lifecycleOf(parked) === "deployed" ? parked : unpark(parked);
}

/** Without ServiceStatus (API < 1.41), the counts come from the service's tasks. */
function countedTasks(tasks: readonly Task[]): Partial<TaskCounts> {
  const wanted = tasks.filter((t) => t.DesiredState === "running");
  return {
    running: wanted.filter((t) => t.Status?.State === "running").length,
    desired: wanted.length,
    completed: tasks.filter((t) => t.Status?.State === "complete").length,
  };
}

function modeText(spec: ServiceSpec, parked: ServiceSpec): string {
  const mode = spec.Mode ?? {};
  if (mode.Global) return "global (one instance per node)";
  if (mode.GlobalJob) return "global job (runs once on each node)";
  if (mode.ReplicatedJob) {
    const { MaxConcurrent: max = 1, TotalCompletions: total = max } = mode.ReplicatedJob;
    return `replicated job, ${total} ${total === 1 ? "completion" : "completions"}, ${max} at a time`;
  }
  const instances = rememberedInstances(parked) ?? 1;
  return `replicated, ${instances} ${instances === 1 ? "instance" : "instances"}`;
}

/** The service as Kontena's `service show` laid it out: one `key: value` per line, lists indented. */
export function describeService(
  service: Service,
  tasks: readonly Task[],
  nodes: readonly Node[],
  options: {
    now: number;
    /** Instances' last failures, from the whole task history (see instanceFailures). */
    failures?: ReadonlyMap<string, InstanceFailure>;
    /** The networks as `describeNetworks` names them; without it, the spec's network IDs. */
    networks?: readonly string[];
    paint?: (state: string, text: string) => string;
  },
): string {
  const failures = options.failures ?? new Map<string, InstanceFailure>();
  const paint = options.paint ?? ((_: string, text: string) => text);
  const parked = service.Spec ?? {};
  const spec = shownSpec(parked);
  const container = spec.TaskTemplate?.ContainerSpec ?? {};
  const global = spec.Mode?.Global !== undefined;
  const lines: string[] = [`${spec.Name}:`];
  const field = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== "") lines.push(`  ${key}: ${value}`);
  };
  const list = (key: string, values: readonly string[] | undefined) => {
    if (!values || values.length === 0) return;
    lines.push(`  ${key}:`);
    for (const value of values) lines.push(`    - ${value}`);
  };
  const counts = countsOf(service, countedTasks(tasks));
  const state = serviceState(service, counts, failures.size > 0);
  field("id", service.ID);
  field("state", paint(state, state));
  field("replicas", replicasText(service, counts));
  field("created", service.CreatedAt);
  field("updated", service.UpdatedAt);
  field("image", container.Image?.replace(/@sha256:[0-9a-f]+$/, ""));
  field("mode", modeText(spec, parked));
  field("stateful", spec.Labels?.["io.flotilla.stateful"] === "true" ? "yes" : "no");
  if (parked.Labels?.[LIFECYCLE_LABELS.pending])
    field("pending", "changes wait for `flotilla service deploy`");
  field("entrypoint", container.Command?.join(" "));
  field("cmd", container.Args?.join(" "));
  field("user", container.User);
  list("cap add", container.CapabilityAdd);
  list("cap drop", container.CapabilityDrop);
  const log = spec.TaskTemplate?.LogDriver;
  field("log driver", log?.Name);
  list(
    "log options",
    Object.entries(log?.Options ?? {}).map(([k, v]) => `${k}=${v}`),
  );
  list("env", container.Env);
  list("ports", (spec.EndpointSpec?.Ports ?? []).map(formatPort));
  list(
    "volumes",
    container.Mounts?.map(
      (m) => `${m.Source ? `${m.Source}:` : ""}${m.Target}${m.ReadOnly ? ":ro" : ""} (${m.Type})`,
    ),
  );
  list(
    "networks",
    options.networks ??
      spec.TaskTemplate?.Networks?.map(
        (n) => n.Target + (n.Aliases?.length ? ` (as ${n.Aliases.join(", ")})` : ""),
      ),
  );
  list(
    "secrets",
    container.Secrets?.map((s) => `${s.SecretName} → /run/secrets/${s.File?.Name ?? s.SecretName}`),
  );
  list("constraints", spec.TaskTemplate?.Placement?.Constraints);
  list(
    "labels",
    Object.entries(spec.Labels ?? {})
      .filter(([k]) => !k.startsWith("io.flotilla."))
      .map(([k, v]) => `${k}=${v}`),
  );
  const limits = spec.TaskTemplate?.Resources?.Limits;
  if (limits?.MemoryBytes) field("memory", formatBytes(limits.MemoryBytes));
  if (limits?.NanoCPUs) field("cpus", String(limits.NanoCPUs / 1e9));
  const update = spec.UpdateConfig ?? {};
  const preferences = spec.TaskTemplate?.Placement?.Preferences ?? [];
  lines.push("  deploy:");
  lines.push(`    strategy: ${global ? "daemon" : preferences.length > 0 ? "ha" : "random"}`);
  lines.push(`    parallelism: ${update.Parallelism ?? 1}`);
  lines.push(`    delay: ${formatNanoseconds(update.Delay ?? 0)}`);
  lines.push(`    failure action: ${update.FailureAction ?? "pause"}`);
  lines.push(`    order: ${update.Order ?? "stop-first"}`);
  const minHealth = spec.Labels?.[LABELS.minHealth];
  if (minHealth) lines.push(`    min health: ${minHealth}`);
  const hostname = new Map(nodes.map((n) => [n.ID ?? "", n.Description?.Hostname ?? n.ID ?? ""]));
  lines.push("  instances:");
  if (tasks.length === 0) lines.push("    (none running)");
  const sorted = [...tasks].sort(
    (a, b) => compareNatural(instanceKey(a), instanceKey(b)) || newestFirst(a, b),
  );
  for (const task of sorted) {
    const state = task.Status?.State ?? "";
    lines.push(`    ${spec.Name}.${instanceKey(task)}:`);
    lines.push(`      node: ${hostname.get(task.NodeID ?? "") ?? "(not assigned)"}`);
    lines.push(`      state: ${paint(state, state)} (${ago(task.Status?.Timestamp, options.now)})`);
    if (task.Status?.Err) lines.push(`      error: ${task.Status.Err}`);
    const exit = exitCodeOf(task);
    if (exit !== undefined && exit !== 0) lines.push(`      exit code: ${exit}`);
    const failure = failures.get(instanceKey(task));
    if (failure && failure.task !== task) {
      lines.push(
        `      last failure: ${paint("failed", failureText(failure))} (${ago(failure.at, options.now)})`,
      );
    }
  }
  // An instance that failed and was not restarted (--restart-max-attempts spent) has no current task.
  const shown = new Set(tasks.map(instanceKey));
  for (const failure of failures.values()) {
    if (shown.has(failure.instance)) continue;
    lines.push(`    ${spec.Name}.${failure.instance}:`);
    lines.push(
      `      last failure: ${paint("failed", failureText(failure))} (${ago(failure.at, options.now)})`,
    );
  }
  return `${lines.join("\n")}\n`;
}
