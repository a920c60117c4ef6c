import type { Client } from "@flotilla/client";
import type { Task } from "@flotilla/types";
import { compareText } from "../../output/compare.js";
import { formatBytes } from "../../output/units.js";
import { failureText, instanceFailures, instanceKey } from "./failures.js";

// Per-instance resource use from the engine's container stats. Only containers on the node the
// endpoint runs on can be asked; the rest are listed with the reason instead of numbers.

export interface StatsRow {
  Instance: string;
  Node: string;
  CPU: string;
  Memory: string;
  MemPerc: string;
  NetIO: string;
  Note: string;
}

interface ContainerStats {
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
    system_cpu_usage?: number;
    online_cpus?: number;
  };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

export async function sampleStats(
  client: Client,
  serviceName: string,
  tasks: readonly Task[],
): Promise<StatsRow[]> {
  const failures = instanceFailures(tasks);
  const info = await client.system.info();
  const localNode = info.Swarm?.NodeID ?? "";
  const nodes = await client.nodes.list();
  const hostname = new Map(nodes.map((n) => [n.id, n.attrs.Description?.Hostname ?? n.id]));
  const running = tasks
    // Ready: a restart waiting out its delay, still an instance that should be running.
    .filter((t) => t.DesiredState === "running" || t.DesiredState === "ready")
    .sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0) || compareText(a.NodeID ?? "", b.NodeID ?? ""));
  return Promise.all(
    running.map(async (task) => {
      const row: StatsRow = {
        Instance: `${serviceName}.${task.Slot || task.NodeID}`,
        Node: hostname.get(task.NodeID ?? "") ?? task.NodeID ?? "",
        CPU: "-",
        Memory: "-",
        MemPerc: "-",
        NetIO: "-",
        Note: "",
      };
      const container = task.Status?.ContainerStatus?.ContainerID;
      if (task.Status?.State !== "running" || !container) {
        const failure = failures.get(instanceKey(task));
        const why = failure ? `; last failure: ${failureText(failure)}` : "";
        return { ...row, Note: `not running (${task.Status?.State})${why}` };
      }
      if (task.NodeID !== localNode)
        return { ...row, Note: `on node ${row.Node}, which this endpoint cannot reach` };
      try {
        const stats = (await client.raw("GET /containers/{id}/stats", {
          path: { id: container },
          query: { stream: false },
        })) as ContainerStats;
        return { ...row, ...describe(stats) };
      } catch (error) {
        return { ...row, Note: `stats unavailable: ${(error as Error).message}` };
      }
    }),
  );
}

function describe(stats: ContainerStats): Pick<StatsRow, "CPU" | "Memory" | "MemPerc" | "NetIO"> {
  const cpu = stats.cpu_stats ?? {};
  const pre = stats.precpu_stats ?? {};
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const cpus = cpu.online_cpus ?? cpu.cpu_usage?.percpu_usage?.length ?? 1;
  const percent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const memory = stats.memory_stats ?? {};
  // As the docker CLI: page cache the kernel can drop is not counted as use.
  const cache = memory.stats?.inactive_file ?? memory.stats?.total_inactive_file ?? 0;
  const used = Math.max(0, (memory.usage ?? 0) - cache);
  const limit = memory.limit ?? 0;
  const rx = Object.values(stats.networks ?? {}).reduce((sum, n) => sum + (n.rx_bytes ?? 0), 0);
  const tx = Object.values(stats.networks ?? {}).reduce((sum, n) => sum + (n.tx_bytes ?? 0), 0);
  return {
    CPU: `${percent.toFixed(2)}%`,
    Memory: `${formatBytes(used)} / ${formatBytes(limit)}`,
    MemPerc: limit > 0 ? `${((used / limit) * 100).toFixed(2)}%` : "-",
    NetIO: `${formatBytes(rx)} / ${formatBytes(tx)}`,
  };
}
