import { readFileSync } from "node:fs";
import type { CommandContext } from "../../context.js";
import { ContextStore, type StoredContext } from "../../contexts/context-store.js";
import { UsageError } from "../../errors.js";
import { type ListView, printList, printObject } from "../../output/format.js";

interface ContextRow {
  Name: string;
  Current: boolean;
  Description: string;
  DockerEndpoint: string;
  /** Every manager of a context that names several (DockerEndpoint is the first). */
  DockerEndpoints: string[];
  Error: string;
}

const CONTEXT_LIST_VIEW: ListView<ContextRow> = {
  columns: [
    { header: "NAME", value: (r) => `${r.Name}${r.Current ? " *" : ""}` },
    { header: "DESCRIPTION", value: (r) => r.Description },
    {
      header: "DOCKER ENDPOINT",
      value: (r) =>
        r.DockerEndpoint + (r.DockerEndpoints.length > 1 ? ` (+${r.DockerEndpoints.length - 1})` : ""),
    },
    { header: "ERROR", value: (r) => r.Error },
  ],
  id: (r) => r.Name,
  fields: (r) => ({
    Current: r.Current,
    Description: r.Description,
    DockerEndpoint: r.DockerEndpoint,
    DockerEndpoints: r.DockerEndpoints,
    Error: r.Error,
    Name: r.Name,
  }),
};

function storeOf(context: CommandContext): ContextStore {
  return new ContextStore(context.io.env);
}

function currentName(context: CommandContext, store: ContextStore): string {
  return store.current(context.globals.context ?? context.globals.grid);
}

export async function ls(
  context: CommandContext,
  _operands: string[],
  flags: { quiet?: boolean; format?: string },
): Promise<void> {
  const store = storeOf(context);
  const current = currentName(context, store);
  const rows = store.list().map(
    (c): ContextRow => ({
      Name: c.name,
      Current: c.name === current,
      Description: c.description,
      DockerEndpoint: c.host,
      DockerEndpoints: c.hosts,
      Error: c.error ?? "",
    }),
  );
  printList(context.stdout, rows, CONTEXT_LIST_VIEW, { format: flags.format, quiet: flags.quiet });
}

export async function use(context: CommandContext, [name]: string[]): Promise<void> {
  const store = storeOf(context);
  store.use(name!);
  context.stdout.write(`${name}\n`);
  context.stderr.write(`Current context is now "${name}"\n`);
  if (context.io.env.DOCKER_HOST) {
    context.stderr.write(
      "flotilla: DOCKER_HOST is set and overrides the current context; unset it to use it\n",
    );
  }
}

/** A context in the docker CLI's `context inspect` shape. */
function inspected(c: StoredContext) {
  return {
    Name: c.name,
    Metadata: c.description && c.name !== "default" ? { Description: c.description } : {},
    Endpoints: {
      docker: { Host: c.host, ...(c.hosts.length > 1 && { Hosts: c.hosts }), SkipTLSVerify: c.skipTlsVerify },
    },
    TLSMaterial: c.tlsFiles.length > 0 ? { docker: c.tlsFiles } : {},
    Storage: c.storage
      ? { MetadataPath: c.storage.metadataPath, TLSPath: c.storage.tlsPath }
      : { MetadataPath: "<IN MEMORY>", TLSPath: "<IN MEMORY>" },
  };
}

export async function inspect(
  context: CommandContext,
  names: string[],
  flags: { format?: string },
): Promise<void> {
  const store = storeOf(context);
  const wanted = names.length > 0 ? names : [currentName(context, store)];
  const contexts = wanted.map((name) => inspected(store.get(name)));
  if (flags.format && flags.format !== "json") {
    for (const c of contexts) printObject(context.stdout, c, flags.format);
    return;
  }
  printObject(context.stdout, contexts, undefined);
}

/** `host=tcp://h:2376,ca=ca.pem,cert=cert.pem,key=key.pem,skip-tls-verify=true`, as the docker CLI takes it. */
export function parseDockerSpec(spec: string): {
  host: string;
  skipTlsVerify: boolean;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer };
} {
  const fields = new Map<string, string>();
  for (const part of spec.split(",")) {
    const equals = part.indexOf("=");
    if (equals <= 0) throw new UsageError(`--docker: "${part}" is not KEY=VALUE`);
    fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  for (const key of fields.keys()) {
    if (!["host", "ca", "cert", "key", "skip-tls-verify"].includes(key))
      throw new UsageError(`--docker: unknown field "${key}"; use host, ca, cert, key or skip-tls-verify`);
  }
  const host = fields.get("host");
  if (!host) throw new UsageError("--docker: host=URL is required (unix://, tcp://, ssh://)");
  if (!/^(unix|tcp|ssh|npipe):\/\//.test(host))
    throw new UsageError(`--docker: host "${host}" is not a unix://, tcp://, ssh:// or npipe:// URL`);
  const skip = fields.get("skip-tls-verify");
  if (skip !== undefined && skip !== "true" && skip !== "false")
    throw new UsageError(`--docker: skip-tls-verify must be true or false, not "${skip}"`);
  const read = (key: string) => {
    const path = fields.get(key);
    return path === undefined ? undefined : readFileSync(path);
  };
  return {
    host,
    skipTlsVerify: skip === "true",
    tls: { ca: read("ca"), cert: read("cert"), key: read("key") },
  };
}

/**
 * Several --docker specs name several managers of one swarm, tried in turn. TLS settings are the
 * context's, so they go on the first spec; a later one carrying its own would be silently dropped.
 */
export function parseDockerSpecs(
  specs: readonly string[],
): ReturnType<typeof parseDockerSpec> & { hosts: string[] } {
  const [first, ...others] = specs.map(parseDockerSpec);
  if (!first) throw new UsageError("--docker: give at least one host=URL");
  others.forEach((other, i) => {
    const tls = other.skipTlsVerify || Object.values(other.tls).some((file) => file !== undefined);
    if (tls) {
      throw new UsageError(
        `--docker #${i + 2} (${other.host}): TLS settings belong on the first --docker; they apply to every host`,
      );
    }
  });
  return { ...first, hosts: [first.host, ...others.map((o) => o.host)] };
}

export async function create(
  context: CommandContext,
  [name]: string[],
  flags: { docker: string[]; description?: string },
): Promise<void> {
  const endpoint = parseDockerSpecs(flags.docker);
  storeOf(context).create({ name: name!, description: flags.description, ...endpoint });
  context.stdout.write(`${name}\n`);
  context.stderr.write(`Created context "${name}"\n`);
}

export async function rm(
  context: CommandContext,
  names: string[],
  flags: { force?: boolean },
): Promise<void> {
  const store = storeOf(context);
  const configured = store.configuredCurrent();
  for (const name of names) {
    if (name === configured && !flags.force) {
      throw new UsageError(
        `context "${name}" is in use: switch with \`flotilla context use default\`, or remove it with --force`,
      );
    }
    store.remove(name);
    if (name === configured) store.use("default");
    context.stdout.write(`${name}\n`);
  }
}
