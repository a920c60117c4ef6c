import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ValidationError, type ValidationIssue } from "@flotilla/types";
import { parseDocument, type ScalarTag } from "yaml";
import { EnvFileProblem, envFileVariables, parseEnvFile } from "./env-file.js";
import { forbiddenKeys, ignoredWarnings } from "./ignored.js";
import { type InterpolationProblem, interpolate, type Lookup } from "./interpolate.js";
import { mergeDocuments } from "./merge.js";
import type { ComposeDocument } from "./model.js";
import { normaliseDocument } from "./normalise-document.js";
import { schemaIssues } from "./schema.js";
import { ComposeProblem, join } from "./values.js";

/** A compose file given by content: YAML text or an already parsed document. */
export interface ComposeFile {
  /** Names the file in errors; a path also places relative paths when it comes first. */
  name: string;
  content: string | Record<string, unknown>;
}

/**
 * What to deploy: YAML text, a parsed document, or a list of files (paths, or ComposeFile for
 * content) merged in order as `-c a.yml -c b.yml` merges them.
 */
export type ComposeSource = string | Record<string, unknown> | readonly (string | ComposeFile)[];

export interface ComposeLoadOptions {
  /** Variables for `${VAR}`; process.env by default (which is what `docker stack deploy` reads). */
  env?: Readonly<Record<string, string | undefined>>;
  /** KEY=VALUE files adding variables the environment does not set (`docker stack deploy` reads none). */
  envFile?: string | readonly string[];
  /** Where relative paths start for content given as text or a document; the process's folder by default. */
  workingDir?: string;
}

export interface LoadedCompose {
  document: ComposeDocument;
  /** "Ignoring unsupported options: ..." and the like, as `docker stack deploy` prints them. */
  warnings: string[];
}

const DEFAULT_VERSION = "3.13";

// yaml.v3, which the docker CLI parses with, reads a leading 0 as octal (`mode: 0440`); YAML 1.2's
// core schema would read 440.
const legacyOctal: ScalarTag = {
  identify: (value) => typeof value === "number",
  default: true,
  tag: "tag:yaml.org,2002:int",
  test: /^0[0-7]+$/,
  resolve: (text) => Number.parseInt(text, 8),
};

function fileError(file: string, issues: ValidationIssue[]): ValidationError {
  return new ValidationError(`compose file ${file}`, issues);
}

function parseYaml(text: string, file: string): Record<string, unknown> {
  const document = parseDocument(text, {
    merge: true,
    customTags: (tags) => [legacyOctal, ...tags],
    uniqueKeys: true,
  });
  const problem = document.errors[0];
  if (problem) {
    const where = problem.linePos?.[0];
    const at = where ? ` (line ${where.line}, column ${where.col})` : "";
    throw fileError(file, [{ path: "", message: `not valid YAML${at}: ${problem.message.split("\n")[0]}` }]);
  }
  const value = document.toJS({ maxAliasCount: 10_000 });
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw fileError(file, [{ path: "", message: "the top level must be a mapping" }]);
  return value as Record<string, unknown>;
}

function versionOf(document: Record<string, unknown>): string {
  if (document.version === undefined || document.version === null) return DEFAULT_VERSION;
  const version = String(document.version);
  return /^\d+$/.test(version) ? `${version}.0` : version;
}

async function readSource(
  source: ComposeSource,
  workingDir: string,
): Promise<{ files: ComposeFile[]; folder: string }> {
  if (typeof source === "string") return { files: [{ name: "<text>", content: source }], folder: workingDir };
  if (!Array.isArray(source))
    return {
      files: [{ name: "<document>", content: source as Record<string, unknown> }],
      folder: workingDir,
    };
  if (source.length === 0)
    throw new ValidationError("compose source", [{ path: "", message: "no compose file given" }]);
  const files = await Promise.all(
    source.map(async (entry: string | ComposeFile): Promise<ComposeFile> => {
      if (typeof entry !== "string") return entry;
      try {
        return { name: entry, content: await readFile(entry, "utf8") };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why =
          code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : `cannot be read (${code})`;
        throw fileError(entry, [{ path: "", message: why }]);
      }
    }),
  );
  // As the docker CLI: paths in every file are relative to the first file's folder.
  const first = source[0]!;
  const folder = typeof first === "string" ? dirname(resolve(first)) : workingDir;
  return { files, folder };
}

/** A variable's own value in `variables`: a name such as `constructor` or `__proto__` is not
 * Object.prototype's, it is unset. */
function ownValue(variables: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  if (!Object.hasOwn(variables, name)) return undefined;
  const value = variables[name];
  return typeof value === "string" ? value : undefined;
}

function environmentLookup(options: ComposeLoadOptions): Lookup {
  const env = options.env ?? process.env;
  const files =
    options.envFile === undefined
      ? []
      : typeof options.envFile === "string"
        ? [options.envFile]
        : options.envFile;
  const fromFiles: Record<string, string> = Object.create(null);
  for (const file of files) {
    let content: string;
    try {
      content = readFileSync(file, "utf8");
    } catch {
      throw new ValidationError("env file", [{ path: file, message: "cannot be read" }]);
    }
    try {
      Object.assign(
        fromFiles,
        envFileVariables(content, (name) => ownValue(env, name)),
      );
    } catch (error) {
      throw new ValidationError("env file", [{ path: file, message: (error as Error).message }]);
    }
  }
  return (name) => ownValue(env, name) ?? ownValue(fromFiles, name);
}

function loadFile(
  file: ComposeFile,
  lookup: Lookup,
  folder: string,
): { raw: Record<string, unknown>; document: ComposeDocument } {
  const raw = typeof file.content === "string" ? parseYaml(file.content, file.name) : file.content;
  const forbidden = forbiddenKeys(raw);
  if (Object.keys(forbidden).length > 0) {
    throw fileError(
      file.name,
      Object.entries(forbidden)
        .sort()
        .map(([key, why]) => ({ path: `services.*.${key}`, message: `unsupported: ${why}` })),
    );
  }
  const interpolated = interpolate(raw, lookup, (path, problem: InterpolationProblem) =>
    fileError(file.name, [
      { path: path.reduce<string>((out, key) => join(out, key), ""), message: problem.message },
    ]),
  );
  const issues = schemaIssues(interpolated);
  if (issues.length > 0) throw fileError(file.name, issues);
  const readEnvFile = (path: string, required: boolean): string[] => {
    if (!required && !existsSync(path)) return [];
    let content: string;
    try {
      content = readFileSync(path, "utf8");
    } catch {
      throw new ComposeProblem("", `env file ${path} cannot be read`);
    }
    try {
      return parseEnvFile(content, lookup);
    } catch (error) {
      if (error instanceof EnvFileProblem) throw new ComposeProblem("", `${path}: ${error.message}`);
      throw error;
    }
  };
  try {
    return {
      raw,
      document: normaliseDocument(interpolated, versionOf(raw), { workingDir: folder, lookup, readEnvFile }),
    };
  } catch (error) {
    if (error instanceof ComposeProblem)
      throw fileError(file.name, [{ path: error.path, message: error.message }]);
    throw error;
  }
}

// A reference as the engine takes one: lower-case name components with an optional registry
// host, tag and digest. Deliberately no stricter, the engine has the last word.
const IMAGE_REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,})?$/;

/** Reads, interpolates, validates and merges compose files as `docker stack deploy` does, sending nothing. */
export async function loadCompose(
  source: ComposeSource,
  options: ComposeLoadOptions = {},
): Promise<LoadedCompose> {
  const { files, folder } = await readSource(source, resolve(options.workingDir ?? process.cwd()));
  const lookup = environmentLookup(options);
  const loaded = files.map((file) => ({ file, ...loadFile(file, lookup, folder) }));
  const version = loaded[0]!.document.version;
  for (const { file, document } of loaded) {
    if (document.version !== version) {
      throw fileError(file.name, [
        {
          path: "version",
          message: `${document.version} differs from ${version} in ${files[0]!.name}; all files must have one version`,
        },
      ]);
    }
  }
  const document = mergeDocuments(loaded.map((l) => l.document));
  for (const [name, service] of Object.entries(document.services)) {
    const path = `services.${name}.image`;
    if (!service.image)
      throw fileError(files[0]!.name, [{ path, message: "is required: swarm runs images only" }]);
    if (!IMAGE_REFERENCE.test(service.image))
      throw fileError(files[0]!.name, [
        { path, message: `"${service.image}" is not a valid image reference` },
      ]);
  }
  return { document, warnings: ignoredWarnings(loaded.map((l) => l.raw)) };
}
