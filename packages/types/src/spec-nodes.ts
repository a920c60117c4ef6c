// The shapes of the tables generated from spec/ (generated/spec-tables.ts), apart from the code
// that reads them so that the generated module imports nothing that imports it.

/** What spec/ says of one field: since when it exists, and where its value leads. */
export interface SchemaNode {
  min?: string;
  removed?: string;
  /** Enum values that came later than the field itself, with the version each appeared in. */
  valueMin?: Record<string, string>;
  /** The named schema the value is. */
  ref?: string;
  /** What each element of an array value is. */
  items?: SchemaNode;
  /** What each value of a map is. */
  values?: SchemaNode;
  /** An inline object's fields. */
  fields?: Record<string, SchemaNode>;
}

/** How Go's encoding/json reads one field: its JSON kind, Go type, and where its value leads. */
export interface GoTypeNode {
  kind: "string" | "integer" | "number" | "boolean" | "array" | "object" | "ref" | "any";
  /** The Go type as dockerd's messages name it (`uint64`, `time.Duration`, `swarm.PortConfig`). */
  go?: string;
  /** A number's Go kind, which bounds what it reads (`uint64`, `int`, `float32`...). */
  number?: string;
  ref?: string;
  items?: GoTypeNode;
  values?: GoTypeNode;
  /** A struct's fields, in the Go struct's order (the order Go writes them in). */
  fields?: Record<string, GoTypeNode>;
  /** The field's tag says `omitempty`: its zero value ("", 0, false, nil, empty) is left out. */
  omitempty?: boolean;
  /** The field is a pointer: nil is null (or left out), a zero value behind it is written. */
  pointer?: boolean;
  min?: string;
  removed?: string;
  /** dockerd clears the field from a request of an API version older than `min`. */
  droppedForOlderApi?: boolean;
}
