import { UsageError } from "../errors.js";

// Kontena's affinity rules as swarm placement constraints. Node names and labels map one to one;
// rules about other services or containers (co-location) have no swarm equivalent and are refused.

const RULE = /^([a-z_]+)\s*(==|!=)\s*(.+)$/;

export function affinityToConstraint(rule: string): string {
  const match = RULE.exec(rule.trim());
  if (!match) {
    throw new UsageError(
      `--affinity: "${rule}" is not an affinity rule; write node==NAME, node!=NAME, label==KEY=VALUE or label!=KEY=VALUE`,
    );
  }
  const [, subject, operator, value] = match as unknown as [string, string, string, string];
  switch (subject) {
    case "node":
      return `node.hostname${operator}${value}`;
    case "label": {
      const [key, labelValue] = value.split("=", 2);
      if (!key || labelValue === undefined)
        throw new UsageError(`--affinity: "${rule}": a label rule needs KEY=VALUE`);
      return `node.labels.${key}${operator}${labelValue}`;
    }
    case "service":
    case "container":
      throw new UsageError(
        `--affinity: "${rule}": swarm cannot place a task next to (or away from) another ${subject}; ` +
          "use node labels with --constraint instead",
      );
    default:
      throw new UsageError(`--affinity: "${rule}": unknown subject "${subject}"; use node or label`);
  }
}
