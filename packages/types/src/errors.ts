// The root of every error Flotilla throws. It lives in the lowest package so that transport,
// client, CLI and fake all share one tree, and `isFlotillaError` works across duplicate installs
// (a brand on Symbol.for, not `instanceof`).

const BRAND = Symbol.for("flotilla.error");

export class FlotillaError extends Error {
  /** Stable, machine-matchable identifier, e.g. `ERR_NOT_FOUND`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

export function isFlotillaError(value: unknown): value is FlotillaError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

export interface ValidationIssue {
  /** Where in the value, as `TaskTemplate.ContainerSpec.Mounts[0].Type`; empty for the value itself. */
  path: string;
  message: string;
}

/** Input that does not fit what the engine accepts, caught before any request is sent. */
export class ValidationError extends FlotillaError {
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    const first = issues[0];
    const where = first?.path ? `${first.path}: ` : "";
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super("ERR_VALIDATION", `invalid ${subject}: ${where}${first?.message ?? "rejected"}${more}`);
    this.issues = issues;
  }
}

/** Formats a path of keys and indexes the way users write it: `A.B[0].C`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}
