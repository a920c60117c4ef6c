import { grpc } from "./errors.js";
import type { StoredNode } from "./model.js";

// Placement constraints as swarmkit reads them: `key==value` or `key!=value`, values compared
// without regard to case. Unknown `node.*` keys parse fine and match no node, as in the engine.

export interface Constraint {
  key: string;
  equal: boolean;
  value: string;
}

export function parseConstraints(expressions: readonly string[] | undefined): Constraint[] {
  return (expressions ?? []).map((expression) => {
    const match = /^(.*?)(==|!=)(.*)$/.exec(expression);
    if (!match) throw grpc.unknown("constraint expected one operator from ==, !=");
    return { key: match[1]!.trim(), equal: match[2] === "==", value: match[3]!.trim() };
  });
}

export function nodeValue(node: StoredNode, key: string): string | undefined {
  const lower = key.toLowerCase();
  if (lower === "node.id") return node.ID;
  if (lower === "node.hostname") return node.Description.Hostname;
  if (lower === "node.role") return node.Spec.Role;
  if (lower === "node.platform.os") return node.Description.Platform.OS;
  if (lower === "node.platform.arch") return node.Description.Platform.Architecture;
  if (lower === "node.ip") return node.Status.Addr;
  if (lower.startsWith("node.labels.")) return label(node.Spec.Labels, key.slice("node.labels.".length));
  if (lower.startsWith("engine.labels.")) {
    return label(node.Description.Engine.Labels, key.slice("engine.labels.".length));
  }
  return undefined;
}

/** A label the node has: `constructor` or `toString` is a key like any other, not Object.prototype's. */
function label(labels: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return labels && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

export function satisfies(node: StoredNode, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) {
    const actual = nodeValue(node, c.key);
    const same = actual !== undefined && actual.toLowerCase() === c.value.toLowerCase();
    // A `!=` on a label the node lacks holds, as in swarmkit.
    if (c.equal !== same) return false;
  }
  return true;
}
