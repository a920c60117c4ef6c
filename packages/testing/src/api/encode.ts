import {
  answerTypes,
  compareApiVersions,
  type GoTypeNode,
  goTypes,
  type OperationKey,
} from "@flotilla/types";
import { API_VERSION } from "./api-versions.js";

// dockerd writes every answer with Go's encoding/json (httputils.WriteJSON: a json.Encoder with
// HTML escaping off), from moby's types. So does the fake, driven by spec/'s Go facts (generated
// into `goTypes`): a struct's fields in its Go order, whatever order the fake holds them in; a
// field the type lacks is not written; an `omitempty` field's zero value ("", 0, false, an empty
// slice or map, a nil pointer) is left out, a struct never is; a nil slice, map or pointer
// without `omitempty` is null; a map's keys are sorted. What the encoder walks is bounded by
// spec/'s schemas (values the schema does not type are written as they are), so its depth is too.
// The fields are Docker 20.10's: those spec/ dates after its API version are not written.

/** The deepest spec/ nesting the encoder follows; deeper is a cycle in spec/, not in a value. */
const MAX_DEPTH = 64;
const ZERO_TIME = '"0001-01-01T00:00:00Z"';

/** JSON.stringify writes \b and \f short and leaves U+2028 and U+2029 bare; Go (1.19) does neither. */
function goEscapes(text: string): string {
  return text.replace(/\\[\s\S]|[\u2028\u2029]/g, (c) =>
    c === "\\b"
      ? "\\u0008"
      : c === "\\f"
        ? "\\u000c"
        : c.length === 1
          ? `\\u${c.charCodeAt(0).toString(16)}`
          : c,
  );
}

/** A Go string as encoding/json (HTML escaping off) writes it. */
export function goString(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters JSON escapes
  if (!/["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/.test(text)) return `"${text}"`;
  return goEscapes(JSON.stringify(text));
}

/**
 * A value the schema does not type (`interface{}`), written as it is held, as JSON.stringify
 * would but with Go's string escapes, and iteratively: such a value can nest as deep as the body
 * it was read from.
 */
function untyped(value: unknown): string {
  let out = "";
  const pending: ({ value: unknown } | string)[] = [{ value }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (typeof next === "string") {
      out += next;
      continue;
    }
    const held = next.value;
    if (typeof held === "string") out += goString(held);
    else if (typeof held === "number") out += Number.isFinite(held) ? String(held) : "null";
    else if (typeof held === "boolean") out += String(held);
    else if (held === null || typeof held !== "object") out += "null";
    else if (Array.isArray(held)) {
      out += "[";
      pending.push("]");
      for (let i = held.length - 1; i >= 0; i--) pending.push({ value: held[i] }, ...(i > 0 ? [","] : []));
    } else {
      const entries = Object.entries(held).filter(([, v]) => v !== undefined && typeof v !== "function");
      out += "{";
      pending.push("}");
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, v] = entries[i]!;
        pending.push({ value: v }, `${i > 0 ? "," : ""}${goString(key)}:`);
      }
    }
  }
  return out;
}

function resolve(node: GoTypeNode): GoTypeNode {
  if (node.kind !== "ref" || !node.ref) return node;
  return goTypes[node.ref] ?? { kind: "any" };
}

const isStruct = (node: GoTypeNode) => node.kind === "object" && node.fields !== undefined;
const isMap = (node: GoTypeNode) => node.kind === "object" && node.values !== undefined;
const isTime = (node: GoTypeNode) => node.go === "time.Time";

/** Whether Go's omitempty leaves `value` (of a field typed `node`) out. */
function isEmpty(value: unknown, node: GoTypeNode): boolean {
  if (value === undefined || value === null) return true;
  if (isTime(node) || isStruct(node)) return false;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return isMap(node) && Object.keys(value).length === 0;
  return value === "" || value === 0 || value === false;
}

/** What Go writes for a field the fake holds no value for: the Go zero value of its type. */
function zero(node: GoTypeNode, field: GoTypeNode, depth: number): string {
  if (field.pointer) return "null";
  if (isTime(field)) return ZERO_TIME;
  if (isStruct(node)) return struct(node, {}, depth);
  switch (node.kind) {
    case "string":
      return '""';
    case "integer":
    case "number":
      return "0";
    case "boolean":
      return "false";
    default:
      return "null";
  }
}

/** A struct's fields as the engine's Go types have them: none newer than its API version. */
const fieldsOf = new WeakMap<GoTypeNode, [string, GoTypeNode][]>();
function engineFields(node: GoTypeNode): [string, GoTypeNode][] {
  let fields = fieldsOf.get(node);
  if (!fields) {
    fields = Object.entries(node.fields ?? {}).filter(
      ([, f]) =>
        (f.min === undefined || compareApiVersions(f.min, API_VERSION) <= 0) &&
        (f.removed === undefined || compareApiVersions(f.removed, API_VERSION) > 0),
    );
    fieldsOf.set(node, fields);
  }
  return fields;
}

function struct(node: GoTypeNode, value: Record<string, unknown>, depth: number): string {
  let out = "";
  for (const [name, field] of engineFields(node)) {
    const held = value[name];
    const target = resolve(field);
    let written: string;
    if (held === undefined || held === null) {
      // A struct held by value is written even when omitempty: Go never counts it empty.
      if (field.omitempty && (field.pointer || !(isStruct(target) || isTime(field)))) continue;
      written = zero(target, field, depth);
    } else {
      if (field.omitempty && !field.pointer && isEmpty(held, target)) continue;
      written = encode(field, held, depth + 1);
    }
    out += `${out === "" ? "" : ","}${goString(name)}:${written}`;
  }
  return `{${out}}`;
}

function encode(node: GoTypeNode, value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new Error(`spec/ nests deeper than ${MAX_DEPTH} schemas`);
  if (value === undefined || value === null) return "null";
  const target = resolve(node);
  switch (target.kind) {
    case "string":
      return typeof value === "string" ? goString(value) : untyped(value);
    case "integer":
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? String(value) : untyped(value);
    case "boolean":
      return typeof value === "boolean" ? String(value) : untyped(value);
    case "array": {
      if (!Array.isArray(value)) return untyped(value);
      const items = target.items ?? { kind: "any" };
      let out = "";
      for (let i = 0; i < value.length; i++)
        out += `${i === 0 ? "" : ","}${encode(items, value[i], depth + 1)}`;
      return `[${out}]`;
    }
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return untyped(value);
      const object = value as Record<string, unknown>;
      if (target.values) {
        let out = "";
        for (const key of Object.keys(object).sort())
          out += `${out === "" ? "" : ","}${goString(key)}:${encode(target.values, object[key], depth + 1)}`;
        return `{${out}}`;
      }
      return target.fields ? struct(target, object, depth) : untyped(value);
    }
    default:
      return untyped(value);
  }
}

/** `value` written as Go writes the type of spec/ schema node `node`. */
export function encodeGo(node: GoTypeNode, value: unknown): string {
  return encode(node, value, 0);
}

/** `value` written as dockerd writes the answer of `operation` (spec/'s 2xx JSON schema). */
export function encodeAnswer(operation: OperationKey, value: unknown): string {
  const node = answerTypes[operation];
  return node ? encode(node, value, 0) : untyped(value);
}
