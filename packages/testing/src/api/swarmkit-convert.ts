import { type GoTypeNode, goTypes } from "@flotilla/types";

// dockerd hands every spec it is given to swarmkit as protobuf, and what it stores is what
// protobuf keeps: no nulls, no empty lists or maps, no zero scalars, except where Go holds the
// value behind a pointer (`Init: false`, `Replicas: 0`), which protobuf keeps as a wrapper. Maps
// come back sorted. So a spec sent with `"Env": []` or its keys shuffled is the same spec as one
// without: updates compare equal and nothing rolls. This is that step, driven by spec/'s Go facts,
// applied to a decoded body before core/ (swarmkit) sees it. swarmkit's own defaults (restart
// condition, endpoint mode, isolation...) are filled in by core/services.ts and
// core/container-convert.ts on top of it.

const MAX_DEPTH = 64;

function resolve(node: GoTypeNode): GoTypeNode {
  if (node.kind !== "ref" || !node.ref) return node;
  return goTypes[node.ref] ?? { kind: "any" };
}

/** What protobuf drops of a field: nil, and the zero value of a non-pointer omitempty field. */
function dropped(value: unknown, field: GoTypeNode, target: GoTypeNode): boolean {
  if (value === undefined || value === null) return true;
  if (field.pointer || !field.omitempty || target.fields !== undefined) return false;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return target.values !== undefined && Object.keys(value).length === 0;
  return value === "" || value === 0 || value === false;
}

function convert(node: GoTypeNode, value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new Error(`spec/ nests deeper than ${MAX_DEPTH} schemas`);
  const target = resolve(node);
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const items = target.items;
    return items ? value.map((item) => convert(items, item, depth + 1)) : value;
  }
  const object = value as Record<string, unknown>;
  if (target.values) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(object).sort()) out[key] = convert(target.values, object[key], depth + 1);
    return out;
  }
  if (!target.fields) return value;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(target.fields)) {
    const held = object[name];
    if (dropped(held, field, resolve(field))) continue;
    out[name] = convert(field, held, depth + 1);
  }
  return out;
}

/** A decoded body of spec/ schema `schema` as swarmkit keeps it (see above). */
export function asSwarmkitStores<T>(schema: string, value: T): T {
  return convert({ kind: "ref", ref: schema }, value, 0) as T;
}
