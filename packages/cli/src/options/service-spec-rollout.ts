import type { ServiceSpec } from "@flotilla/types";
import type { ServiceFlags } from "./service-flags.js";

// --update-* and --rollback-*: the same six settings for each phase, read by their kinds already
// (see service-flags.ts).

export function applyRollout(spec: ServiceSpec, flags: ServiceFlags): void {
  for (const phase of ["update", "rollback"] as const) {
    const get = <T>(name: string) => flags[`${phase}${name}`] as T | undefined;
    const config = { ...(phase === "update" ? spec.UpdateConfig : spec.RollbackConfig) };
    const parallelism = get<number>("Parallelism");
    if (parallelism !== undefined) config.Parallelism = parallelism;
    const delay = get<number>("Delay");
    if (delay !== undefined) config.Delay = delay;
    const monitor = get<number>("Monitor");
    if (monitor !== undefined) config.Monitor = monitor;
    const ratio = get<number>("MaxFailureRatio");
    if (ratio !== undefined) config.MaxFailureRatio = ratio;
    const action = get<"pause">("FailureAction");
    if (action !== undefined) config.FailureAction = action;
    const order = get<"stop-first" | "start-first">("Order");
    if (order !== undefined) config.Order = order;
    if (Object.keys(config).length === 0) continue;
    if (phase === "update") spec.UpdateConfig = config;
    else spec.RollbackConfig = config as ServiceSpec["RollbackConfig"];
  }
}
