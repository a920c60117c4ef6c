import type { Client } from "@flotilla/client";
import type { Service } from "@flotilla/types";
import { formatPort } from "../../options/ports.js";
import { compareText } from "../../output/compare.js";
import type { ListView } from "../../output/format.js";
import { type Lifecycle, lifecycleOf, rememberedInstances } from "./lifecycle.js";

/** One line of `service ls`. */
export interface ServiceRow {
  ID: string;
  Name: string;
  Mode: string;
  Replicas: string;
  State: Lifecycle | "running" | "starting";
  Image: string;
  Ports: string;
}

export async function serviceRows(client: Client, services: readonly Service[]): Promise<ServiceRow[]> {
  const counts = await taskCounts(client, services);
  return services
    .map((service) => toRow(service, counts.get(service.ID ?? "")))
    .sort((a, b) => compareText(a.Name, b.Name));
}

function toRow(service: Service, counted: { running: number; desired: number } | undefined): ServiceRow {
  const spec = service.Spec ?? {};
  const lifecycle = lifecycleOf(spec);
  const status = service.ServiceStatus;
  const global = spec.Mode?.Global !== undefined;
  let desired = status?.DesiredTasks ?? counted?.desired ?? 0;
  if (!global && lifecycle === "deployed") desired = spec.Mode?.Replicated?.Replicas ?? desired;
  // The engine counts containers still stopping after an update or stop as running: show at most what is wanted.
  const running = Math.min(status?.RunningTasks ?? counted?.running ?? 0, desired);
  const replicas =
    lifecycle === "deployed"
      ? `${running}/${desired}`
      : global
        ? "0/0"
        : `0/${rememberedInstances(spec) ?? 0}`;
  const state: ServiceRow["State"] =
    lifecycle !== "deployed" ? lifecycle : running >= desired && desired > 0 ? "running" : "starting";
  return {
    ID: (service.ID ?? "").slice(0, 12),
    Name: spec.Name ?? "",
    Mode: global
      ? "global"
      : spec.Mode?.ReplicatedJob
        ? "replicated job"
        : spec.Mode?.GlobalJob
          ? "global job"
          : "replicated",
    Replicas: replicas,
    State: state,
    Image: (spec.TaskTemplate?.ContainerSpec?.Image ?? "").replace(/@sha256:[0-9a-f]+$/, ""),
    Ports: (service.Endpoint?.Ports ?? spec.EndpointSpec?.Ports ?? []).map(formatPort).join(", "),
  };
}

/** Running and desired task counts, for engines (and fakes) that do not send ServiceStatus. */
async function taskCounts(client: Client, services: readonly Service[]) {
  const counts = new Map<string, { running: number; desired: number }>();
  if (services.every((s) => s.ServiceStatus !== undefined)) return counts;
  const tasks = await client.tasks.listAttrs({ desiredState: "running" });
  for (const task of tasks) {
    const entry = counts.get(task.ServiceID ?? "") ?? { running: 0, desired: 0 };
    entry.desired += 1;
    if (task.Status?.State === "running") entry.running += 1;
    counts.set(task.ServiceID ?? "", entry);
  }
  return counts;
}

export const SERVICE_LIST_VIEW: ListView<ServiceRow> = {
  columns: [
    { header: "ID", value: (r) => r.ID },
    { header: "NAME", value: (r) => r.Name },
    { header: "MODE", value: (r) => r.Mode },
    { header: "REPLICAS", value: (r) => r.Replicas },
    { header: "STATE", value: (r) => r.State },
    { header: "IMAGE", value: (r) => r.Image },
    { header: "PORTS", value: (r) => r.Ports },
  ],
  id: (r) => r.ID,
  fields: (r) => ({ ...r }),
};
