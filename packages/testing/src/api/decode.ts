import { compareApiVersions, type GoTypeNode, goTypes } from "@flotilla/types";
import { EngineError } from "../core/errors.js";
import { goKind, type NumberLiterals, setKey } from "../core/go-json.js";

// A parsed body read into dockerd's Go types as encoding/json reads it, driven by spec/'s Go
// annotations (generated into `goTypes`): each field's JSON kind is checked in document order
// and the first misfit gets Go's message; numbers are read from their text into the field's Go
// kind (range, sign, no fraction or exponent for integers); null leaves a field unset; fields
// the Go struct lacks are dropped, at every depth. Then, as dockerd's handlers do for a request of
// an older API version, the fields spec/ marks `x-dropped-for-older-api` that are newer than it
// are cleared (after their type is checked: Go decodes the whole body first).

const INTEGER_BITS: Record<string, { signed: boolean; bits: number }> = {
  int: { signed: true, bits: 64 },
  int64: { signed: true, bits: 64 },
  int32: { signed: true, bits: 32 },
  int16: { signed: true, bits: 16 },
  int8: { signed: true, bits: 8 },
  uint: { signed: false, bits: 64 },
  uint64: { signed: false, bits: 64 },
  uint32: { signed: false, bits: 32 },
  uint16: { signed: false, bits: 16 },
  uint8: { signed: false, bits: 8 },
};

/** Whether Go's strconv reads `literal` into the number kind `kind` (ParseInt/ParseUint/ParseFloat). */
function fitsNumber(literal: string, kind: string): boolean {
  const integer = INTEGER_BITS[kind];
  if (integer) {
    if (!/^-?\d+$/.test(literal)) return false;
    if (!integer.signed && literal.startsWith("-")) return false;
    const n = BigInt(literal);
    const bits = BigInt(integer.bits);
    const [min, max] = integer.signed
      ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n]
      : [0n, (1n << bits) - 1n];
    return n >= min && n <= max;
  }
  const value = Number(literal);
  return Number.isFinite(kind === "float32" ? Math.fround(value) : value);
}

/** Where a value sits, as Go's errors name it: the innermost struct, and the field path. */
interface Place {
  struct: string;
  path: string[];
}

class Decoder {
  constructor(
    private readonly literals: NumberLiterals,
    private readonly version: string | undefined,
  ) {}

  /** Whether dockerd clears `field` from a request of this API version. */
  private cleared(field: GoTypeNode): boolean {
    return (
      field.droppedForOlderApi === true &&
      this.version !== undefined &&
      field.min !== undefined &&
      compareApiVersions(this.version, field.min) < 0
    );
  }

  private misfit(what: string, node: GoTypeNode, place: Place | undefined): never {
    const type = goTypeName(node);
    if (!place)
      throw new EngineError(
        "InvalidParameter",
        `json: cannot unmarshal ${what} into Go value of type ${type}`,
      );
    throw new EngineError(
      "InvalidParameter",
      `json: cannot unmarshal ${what} into Go struct field ${place.struct}.${place.path.join(".")} of type ${type}`,
    );
  }

  /** `value` (held by `holder` at `at`, for its number text) read into `node`. */
  read(
    node: GoTypeNode,
    value: unknown,
    place: Place | undefined,
    holder?: object,
    at?: string | number,
  ): unknown {
    const target = resolve(node);
    if (value === null) return zeroOf(target);
    const kind = goKind(value);
    switch (target.kind) {
      case "any":
        return value;
      case "string":
        if (kind === "array" && node.go === "[]uint8")
          return this.bytes(value as unknown[], place, value as object);
        return kind === "string" ? value : this.misfit(kind, node, place);
      case "boolean":
        return kind === "bool" ? value : this.misfit(kind, node, place);
      case "integer":
      case "number": {
        if (kind !== "number") return this.misfit(kind, node, place);
        const literal = (holder && this.literals.get(holder)?.get(at!)) ?? String(value);
        return fitsNumber(literal, target.number ?? "float64")
          ? value
          : this.misfit(`number ${literal}`, node, place);
      }
      case "array": {
        if (kind !== "array") return this.misfit(kind, node, place);
        const items = target.items ?? { kind: "any" };
        return (value as unknown[]).map((item, i) => this.read(items, item, place, value as object, i));
      }
      default: {
        if (kind !== "object") return this.misfit(kind, node, place);
        return this.object(target, value as Record<string, unknown>, place);
      }
    }
  }

  /**
   * A []byte field (spec/ types it as a base64 string, as Go writes it) read from a JSON array:
   * Go reads the array element by element into uint8s; the value kept is the base64 it writes.
   */
  private bytes(items: unknown[], place: Place | undefined, holder: object): string {
    const byte: GoTypeNode = { kind: "integer", number: "uint8", go: "uint8" };
    const read = items.map((item, i) => this.read(byte, item, place, holder, i) as number);
    return Buffer.from(read).toString("base64");
  }

  private object(node: GoTypeNode, value: Record<string, unknown>, place: Place | undefined): unknown {
    const out: Record<string, unknown> = {};
    if (node.values) {
      for (const [key, item] of Object.entries(value))
        setKey(out, key, this.read(node.values, item, place, value, key));
      return out;
    }
    // A struct: its own name for the fields inside, which Go matches case-insensitively.
    const struct = node.go ? unqualified(node.go) : (place?.struct ?? "");
    const fields = node.fields ?? {};
    const byFoldedName = new Map(Object.keys(fields).map((name) => [name.toLowerCase(), name]));
    for (const [key, item] of Object.entries(value)) {
      const name = key in fields ? key : byFoldedName.get(key.toLowerCase());
      // null leaves a field as it was: unset (a nil pointer: swarmkit's default applies).
      if (name === undefined || item === null) continue;
      const read = this.read(
        fields[name]!,
        item,
        { struct, path: [...(place?.path ?? []), name] },
        value,
        key,
      );
      if (read === undefined || this.cleared(fields[name]!)) continue;
      out[name] = name in out ? mergeInto(fields[name]!, out[name], read) : read;
    }
    return out;
  }
}

/**
 * A field named twice (`Labels` and `labels`: Go matches both to one field) is decoded into what
 * the first left, as encoding/json does: a struct keeps the fields the second leaves out, a map
 * gains the second's keys, anything else (lists included) is replaced.
 */
function mergeInto(node: GoTypeNode, earlier: unknown, later: unknown): unknown {
  const target = resolve(node);
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (target.kind !== "object" || !isObject(earlier) || !isObject(later)) return later;
  const out: Record<string, unknown> = { ...earlier };
  for (const [key, value] of Object.entries(later)) {
    const field = target.values ? undefined : target.fields?.[key];
    setKey(out, key, field && key in earlier ? mergeInto(field, earlier[key], value) : value);
  }
  return out;
}

/** A named schema's node, with the referring field's Go name (when it has one) kept. */
function resolve(node: GoTypeNode): GoTypeNode {
  if (node.kind !== "ref" || !node.ref) return node;
  const target = goTypes[node.ref];
  if (!target) return { kind: "any" };
  return node.go ? { ...target, go: node.go } : target;
}

/** What null leaves in an element of a list or map: the element type's zero value. */
function zeroOf(node: GoTypeNode): unknown {
  switch (node.kind) {
    case "string":
      return "";
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    default:
      return undefined;
  }
}

function unqualified(go: string): string {
  return go.slice(go.lastIndexOf(".") + 1);
}

/** The Go type as reflect prints it: `uint64`, `[]string`, `map[string]string`, `swarm.PortConfig`. */
function goTypeName(node: GoTypeNode): string {
  const target = resolve(node);
  if (node.go) return node.go;
  if (target.kind === "array") return `[]${goTypeName(target.items ?? { kind: "any" })}`;
  if (target.values) return `map[string]${goTypeName(target.values)}`;
  return target.go ?? "interface {}";
}

/**
 * A parsed body read into the Go type of spec/ schema `schema` as dockerd reads it, or the 400
 * dockerd answers for a misfit. What it returns holds only what the Go struct holds, and what a
 * request of API `version` keeps.
 */
export function decodeBody(
  schema: string,
  value: unknown,
  literals: NumberLiterals,
  version?: string,
): unknown {
  const decoded = new Decoder(literals, version).read({ kind: "ref", ref: schema }, value, undefined);
  // null into a struct leaves it zero: the empty spec.
  return decoded ?? {};
}

/**
 * A value a program built (options, flags) read into spec/ schema `schema` as decodeBody reads a
 * body: as it would be sent, so fields left undefined are absent.
 */
export function decodeValue(schema: string, value: unknown): unknown {
  return decodeBody(schema, JSON.parse(JSON.stringify(value ?? null)), new WeakMap());
}
