import { readFile } from "node:fs/promises";
import type { Client } from "@flotilla/client";
import type { Config, Secret } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { readAll } from "../../io.js";
import { toRecord } from "../../options/key-values.js";
import { type ListView, printList, printObject } from "../../output/format.js";
import { ago } from "../service/task-rows.js";
import { parseFilters } from "../shared/filters.js";
import { orNotFound } from "../shared/lookup.js";

export type StoredKind = "secret" | "config";
type Stored = Secret | Config;

interface StoredRow {
  ID: string;
  Name: string;
  Driver: string;
  CreatedAt: string;
  UpdatedAt: string;
  Labels: string;
}

function view(now: number): ListView<StoredRow> {
  return {
    columns: [
      { header: "ID", value: (r) => r.ID },
      { header: "NAME", value: (r) => r.Name },
      { header: "DRIVER", value: (r) => r.Driver },
      { header: "CREATED", value: (r) => ago(r.CreatedAt, now) },
      { header: "UPDATED", value: (r) => ago(r.UpdatedAt, now) },
    ],
    id: (r) => r.ID,
    fields: (r) => ({ ...r }),
  };
}

/** What secrets and configs have in common. */
interface StoredApi {
  create(options: {
    name: string;
    data: Uint8Array;
    labels?: Record<string, string>;
  }): Promise<{ id: string }>;
  list(filters: Record<string, string[]>): Promise<{ attrs: Stored }[]>;
  get(id: string): Promise<{ attrs: Stored }>;
  remove(id: string): Promise<void>;
}

function api(client: Client, kind: StoredKind): StoredApi {
  return kind === "secret" ? client.secrets : client.configs;
}

/**
 * What is printed of an object: the engine's document without any `Data`. The engine never
 * returns a secret's value, and this makes sure no other source could make flotilla print one.
 */
function printable(kind: StoredKind, attrs: Stored): Stored {
  if (kind !== "secret" || !attrs.Spec || !("Data" in attrs.Spec)) return attrs;
  const { Data: _, ...spec } = attrs.Spec as { Data?: string };
  return { ...attrs, Spec: spec };
}

export async function create(
  kind: StoredKind,
  context: CommandContext,
  [name, file]: string[],
  flags: { label?: string[] },
): Promise<void> {
  const labels = toRecord(flags.label, "--label");
  const data =
    file === undefined || file === "-"
      ? await readAll(context.io.stdin, `${kind} create`)
      : await readFile(file);
  const client = await context.client();
  const created = await api(client, kind).create({
    name: name!,
    data,
    ...(Object.keys(labels).length > 0 && { labels }),
  });
  context.stdout.write(`${created.id}\n`);
}

export async function ls(
  kind: StoredKind,
  context: CommandContext,
  _operands: string[],
  flags: { quiet?: boolean; format?: string; filter?: string[] },
): Promise<void> {
  const filters = parseFilters(flags.filter, { id: "id", name: "name", label: "label" });
  const client = await context.client();
  const objects = await api(client, kind).list(filters);
  const rows = objects
    .map(
      ({ attrs }): StoredRow => ({
        ID: attrs.ID ?? "",
        Name: attrs.Spec?.Name ?? "",
        Driver: (attrs.Spec as { Driver?: { Name?: string } } | undefined)?.Driver?.Name ?? "",
        CreatedAt: attrs.CreatedAt ?? "",
        UpdatedAt: attrs.UpdatedAt ?? "",
        Labels: Object.entries(attrs.Spec?.Labels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(","),
      }),
    )
    .sort((a, b) => a.Name.localeCompare(b.Name));
  printList(context.stdout, rows, view(context.now()), { format: flags.format, quiet: flags.quiet });
}

export async function inspect(
  kind: StoredKind,
  context: CommandContext,
  names: string[],
  flags: { format?: string },
): Promise<void> {
  const client = await context.client();
  const objects: Stored[] = [];
  for (const name of names) {
    const found = await orNotFound(kind, name, () => api(client, kind).get(name));
    objects.push(printable(kind, found.attrs));
  }
  if (flags.format && flags.format !== "json") {
    for (const object of objects) printObject(context.stdout, object, flags.format);
    return;
  }
  printObject(context.stdout, objects, undefined);
}

export async function rm(kind: StoredKind, context: CommandContext, names: string[]): Promise<void> {
  const client = await context.client();
  let failure: unknown;
  for (const name of names) {
    try {
      await orNotFound(kind, name, () => api(client, kind).remove(name));
      context.stdout.write(`${name}\n`);
    } catch (error) {
      failure ??= error;
      if (names.length > 1) context.stderr.write(`flotilla: ${(error as Error).message}\n`);
    }
  }
  if (failure) throw failure;
}
