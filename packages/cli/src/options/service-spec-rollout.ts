import type { ServiceSpec } from "@flotilla/types";
import { UsageError } from "../errors.js";
import { parseCount, parseDuration, parseRatio } from "./units.js";

// --update-* and --rollback-*: the same six settings for each phase.

export function applyRollout(spec: ServiceSpec, flags: Record<string, string | undefined>): void {
  for (const phase of ["update", "rollback"] as const) {
    const get = (name: string) => flags[`${phase}${name}`];
    const option = (name: string) => `--${phase}-${name}`;
    const config = { ...(phase === "update" ? spec.UpdateConfig : spec.RollbackConfig) };
    const parallelism = get("Parallelism");
    if (parallelism !== undefined) config.Parallelism = parseCount(parallelism, option("parallelism"));
    const delay = get("Delay");
    if (delay !== undefined) config.Delay = parseDuration(delay, option("delay"));
    const monitor = get("Monitor");
    if (monitor !== undefined) config.Monitor = parseDuration(monitor, option("monitor"));
    const ratio = get("MaxFailureRatio");
    if (ratio !== undefined) config.MaxFailureRatio = parseRatio(ratio, option("max-failure-ratio"));
    const action = get("FailureAction");
    if (action !== undefined) {
      const allowed = phase === "update" ? ["pause", "continue", "rollback"] : ["pause", "continue"];
      if (!allowed.includes(action))
        throw new UsageError(`${option("failure-action")}: "${action}" must be ${allowed.join(", ")}`);
      config.FailureAction = action as "pause";
    }
    const order = get("Order");
    if (order !== undefined) {
      if (order !== "stop-first" && order !== "start-first") {
        throw new UsageError(`${option("order")}: "${order}" must be stop-first or start-first`);
      }
      config.Order = order;
    }
    if (Object.keys(config).length === 0) continue;
    if (phase === "update") spec.UpdateConfig = config;
    else spec.RollbackConfig = config as ServiceSpec["RollbackConfig"];
  }
}
