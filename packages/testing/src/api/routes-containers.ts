import { createHash } from "node:crypto";
import type { Cluster } from "../core/cluster.js";
import { processContext, programOf } from "../core/container.js";
import { EngineError } from "../core/errors.js";
import { sortedMap } from "../core/go-maps.js";
import { type ContainerHealth, containerHealth } from "../core/health.js";
import { isTerminal, type StoredTask } from "../core/model.js";
import { form, type Route, route } from "./context.js";
import { anyPrefix, checkKeys, labelsMatch, parseFilters } from "./filters.js";
import { json } from "./http.js";
import { localNetworks } from "./local-networks.js";

// `docker ps` on a swarm node lists the containers of the tasks placed on it. The fake has no
// containers, so the list is drawn from the tasks the answering node holds, in the shape and
// with the swarm labels Docker 20.10 gives them, and inspected in brief. Other container calls
// (logs, stats, exec) answer 404, as for a container that is not there.

const FILTERS = [
  "ancestor",
  "before",
  "expose",
  "exited",
  "health",
  "id",
  "isolation",
  "is-task",
  "label",
  "name",
  "network",
  "publish",
  "since",
  "status",
  "volume",
];

export const containerRoutes: Route[] = [
  route(
    "GET",
    "/containers/json",
    form(({ cluster, query }) => {
      const f = parseFilters(query.get("filters"));
      checkKeys(f, FILTERS);
      const all = query.get("all") === "1" || query.get("all") === "true";
      const out = answeringNodeTasks(cluster)
        .filter((t) => t.Status.ContainerStatus?.ContainerID)
        .filter((t) => !f.get("health") || f.get("health")!.includes(healthOf(cluster, t)?.Status ?? "none"))
        .map((t) => containerOf(cluster, t))
        .filter((c) => all || f.has("status") || c.State === "running")
        .filter(
          (c) =>
            anyPrefix(f.get("id"), c.Id) &&
            (!f.get("name") || f.get("name")!.some((n) => c.Names[0]!.includes(n))) &&
            (!f.get("status") || f.get("status")!.includes(c.State)) &&
            labelsMatch(f.get("label"), c.Labels),
        )
        .sort((a, b) => b.Created - a.Created);
      const limit = Number(query.get("limit") ?? -1);
      return json(200, limit > 0 ? out.slice(0, limit) : out);
    }),
    false,
  ),
  route(
    "GET",
    "/containers/{id}/json",
    ({ cluster, params }) => {
      const ref = params.id!.replace(/^\//, "");
      const task = answeringNodeTasks(cluster).find((t) => {
        const id = t.Status.ContainerStatus?.ContainerID;
        return id && (id.startsWith(ref) || containerName(cluster, t) === ref);
      });
      if (!task) throw new EngineError("NotFound", `No such container: ${params.id}`);
      return json(200, inspectOf(cluster, task));
    },
    false,
  ),
];

const ZERO_TIME = "0001-01-01T00:00:00Z";

/** `docker inspect` of a task's container: the fields clients read, in the engine's order. */
function inspectOf(cluster: Cluster, task: StoredTask) {
  const summary = containerOf(cluster, task);
  const spec = task.Spec.ContainerSpec ?? {};
  const runtime = cluster.store.data.runtime.get(task.ID);
  const running = summary.State === "running";
  const health = healthOf(cluster, task);
  const context = processContext(cluster.store, task);
  const argv = [...(spec.Command ?? []), ...(spec.Args ?? [])];
  const iso = (ms: number | undefined) => (ms === undefined ? ZERO_TIME : new Date(ms).toISOString());
  const { HOSTNAME, ...env } = context.env;
  return {
    Id: summary.Id,
    Created: iso(runtime?.startedAt ?? Date.parse(task.CreatedAt)),
    Path: argv[0] ?? "sh",
    Args: argv.slice(1),
    State: {
      Status: summary.State,
      Running: running,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: task.Status.ContainerStatus?.PID ?? 0,
      ExitCode: task.Status.ContainerStatus?.ExitCode ?? 0,
      Error: "",
      StartedAt: iso(runtime?.startedAt),
      FinishedAt: running ? ZERO_TIME : iso(runtime?.endedAt),
      ...(health && { Health: health }),
    },
    Image: summary.ImageID,
    Name: summary.Names[0],
    RestartCount: 0,
    Driver: "overlay2",
    Platform: "linux",
    HostConfig: { NetworkMode: "default", Init: spec.Init ?? null, ReadonlyRootfs: spec.ReadOnly ?? false },
    Mounts: [],
    Config: {
      Hostname: HOSTNAME,
      Domainname: "",
      User: spec.User ?? "",
      Tty: spec.TTY ?? false,
      Env: [...(spec.Env ?? []), ...Object.entries(env).map(([k, v]) => `${k}=${v}`)].filter(
        (entry, i, all) => all.findIndex((e) => e.split("=")[0] === entry.split("=")[0]) === i,
      ),
      Cmd: spec.Args ?? (spec.Command ? null : ["sh"]),
      ...(spec.Healthcheck && { Healthcheck: spec.Healthcheck }),
      Image: spec.Image ?? "",
      WorkingDir: spec.Dir ?? "",
      Entrypoint: spec.Command ?? null,
      Labels: summary.Labels,
      ...(spec.StopSignal && { StopSignal: spec.StopSignal }),
    },
    NetworkSettings: { Networks: summary.NetworkSettings.Networks },
  };
}

function containerName(cluster: Cluster, task: StoredTask): string {
  const service = cluster.store.data.services.get(task.ServiceID);
  return `${service?.Spec.Name ?? ""}.${task.Slot ?? task.NodeID}.${task.ID}`;
}

export function answeringNodeTasks(cluster: Cluster): StoredTask[] {
  const nodes = [...cluster.store.data.nodes.values()];
  const self = nodes.find((n) => n.ManagerStatus?.Leader) ?? nodes[0];
  return self ? cluster.store.tasksOn(self.ID) : [];
}

export function containerOf(cluster: Cluster, task: StoredTask) {
  const service = cluster.store.data.services.get(task.ServiceID);
  const name = containerName(cluster, task);
  const spec = task.Spec.ContainerSpec ?? {};
  const image = spec.Image ?? "";
  const argv = [...(spec.Command ?? []), ...(spec.Args ?? [])];
  const runtime = cluster.store.data.runtime.get(task.ID);
  const created = runtime?.startedAt ?? Date.parse(task.CreatedAt);
  // A health check holds the task in starting while its container already runs.
  const running =
    runtime?.startedAt !== undefined && runtime.endedAt === undefined && !isTerminal(task.Status.State);
  const ended = runtime?.endedAt ?? cluster.now;
  const health = healthOf(cluster, task);
  return {
    Id: task.Status.ContainerStatus!.ContainerID,
    Names: [`/${name}`],
    Image: image,
    ImageID: `sha256:${createHash("sha256").update(image).digest("hex")}`,
    // dockerd wraps each argument holding a space in single quotes (not the path).
    Command:
      argv.length > 0
        ? [argv[0], ...argv.slice(1).map((arg) => (arg.includes(" ") ? `'${arg}'` : arg))].join(" ")
        : "sh",
    Created: Math.floor(created / 1000),
    Ports: [],
    Labels: sortedMap({
      ...spec.Labels,
      "com.docker.swarm.node.id": task.NodeID ?? "",
      "com.docker.swarm.service.id": task.ServiceID,
      "com.docker.swarm.service.name": service?.Spec.Name ?? "",
      "com.docker.swarm.task": "",
      "com.docker.swarm.task.id": task.ID,
      "com.docker.swarm.task.name": name,
    }),
    State: running ? "running" : task.Status.State === "starting" ? "created" : "exited",
    Status: running
      ? `Up ${humanDuration(cluster.now - created)}${healthSuffix(health)}`
      : `Exited (${task.Status.ContainerStatus?.ExitCode ?? 0}) ${humanDuration(cluster.now - ended)} ago`,
    HostConfig: { NetworkMode: "default" },
    NetworkSettings: { Networks: networksOf(cluster, task) },
    Mounts: [],
  };
}

function healthOf(cluster: Cluster, task: StoredTask): ContainerHealth | undefined {
  return containerHealth(
    cluster,
    task,
    programOf(task, (image) => cluster.images.find(image)),
  );
}

/** What `docker ps` appends to a running container's status. */
function healthSuffix(health: ContainerHealth | undefined): string {
  if (!health) return "";
  return health.Status === "starting" ? " (health: starting)" : ` (${health.Status})`;
}

/** The task's overlay networks with its address on each, or the default bridge without any. */
function networksOf(cluster: Cluster, task: StoredTask): Record<string, object> {
  const endpoint = (NetworkID: string, cidr = "") => {
    const [IPAddress = "", bits = "0"] = cidr.split("/");
    return {
      IPAMConfig: null,
      Links: null,
      Aliases: null,
      NetworkID,
      EndpointID: "",
      Gateway: "",
      IPAddress,
      IPPrefixLen: Number(bits),
      IPv6Gateway: "",
      GlobalIPv6Address: "",
      GlobalIPv6PrefixLen: 0,
      MacAddress: "",
      DriverOpts: null,
    };
  };
  const attachments = task.NetworksAttachments ?? [];
  if (attachments.length === 0) {
    const bridge = localNetworks(cluster, true).find((n) => n.Name === "bridge")!;
    return { bridge: endpoint(bridge.Id) };
  }
  const out: Record<string, object> = {};
  for (const a of attachments) {
    const name = (a.Network.Spec as { Name?: string } | undefined)?.Name ?? a.Network.ID;
    out[name] = endpoint(a.Network.ID, a.Addresses[0]);
  }
  return sortedMap(out);
}

/** Docker's go-units HumanDuration, as `docker ps` shows container ages. */
function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}
