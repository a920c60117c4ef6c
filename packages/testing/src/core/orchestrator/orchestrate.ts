import type { Cluster } from "../cluster.js";
import { orchestrateGlobal } from "./global.js";
import { orchestrateGlobalJob, orchestrateReplicatedJob } from "./jobs.js";
import { orchestrateReplicated } from "./replicated.js";

/** Brings one service's tasks in line with its spec, whichever mode it has. */
export function orchestrate(cluster: Cluster, serviceId: string): void {
  const service = cluster.store.data.services.get(serviceId);
  if (!service) return;
  const mode = service.Spec.Mode ?? {};
  if (mode.Global) orchestrateGlobal(cluster, service);
  else if (mode.ReplicatedJob) orchestrateReplicatedJob(cluster, service);
  else if (mode.GlobalJob) orchestrateGlobalJob(cluster, service);
  else orchestrateReplicated(cluster, service);
}
