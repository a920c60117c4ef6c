import type { Network } from "@flotilla/types";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { toRecord } from "../../options/key-values.js";
import { type ListView, printList, printObject } from "../../output/format.js";
import { parseFilters } from "../shared/filters.js";
import { orNotFound } from "../shared/lookup.js";

interface NetworkRow {
  ID: string;
  Name: string;
  Driver: string;
  Scope: string;
  Attachable: boolean;
  Internal: boolean;
  Subnets: string;
}

const NETWORK_LIST_VIEW: ListView<NetworkRow> = {
  columns: [
    { header: "NETWORK ID", value: (r) => r.ID },
    { header: "NAME", value: (r) => r.Name },
    { header: "DRIVER", value: (r) => r.Driver },
    { header: "SCOPE", value: (r) => r.Scope },
  ],
  id: (r) => r.ID,
  fields: (r) => ({ ...r }),
};

export async function ls(
  context: CommandContext,
  _operands: string[],
  flags: { quiet?: boolean; format?: string; filter?: string[]; trunc?: boolean },
): Promise<void> {
  const filters = parseFilters(flags.filter, {
    id: "id",
    name: "name",
    label: "label",
    driver: "driver",
    scope: "scope",
  });
  const client = await context.client();
  const networks = await client.networks.list(filters);
  const rows = networks
    .map(
      (n): NetworkRow => ({
        ID: flags.trunc === false ? (n.Id ?? "") : (n.Id ?? "").slice(0, 12),
        Name: n.Name ?? "",
        Driver: n.Driver ?? "",
        Scope: n.Scope ?? "",
        Attachable: n.Attachable === true,
        Internal: n.Internal === true,
        Subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? "").join(","),
      }),
    )
    .sort((a, b) => a.Name.localeCompare(b.Name));
  printList(context.stdout, rows, NETWORK_LIST_VIEW, { format: flags.format, quiet: flags.quiet });
}

export async function create(
  context: CommandContext,
  [name]: string[],
  flags: {
    driver: string;
    attachable?: boolean;
    internal?: boolean;
    subnet?: string[];
    gateway?: string[];
    ipRange?: string[];
    label?: string[];
    opt?: string[];
    ipv6?: boolean;
  },
): Promise<void> {
  const subnets = flags.subnet ?? [];
  if ((flags.gateway?.length ?? 0) > subnets.length || (flags.ipRange?.length ?? 0) > subnets.length)
    throw new UsageError("--gateway and --ip-range each need a --subnet to belong to");
  const labels = toRecord(flags.label, "--label");
  const options = toRecord(flags.opt, "--opt");
  const client = await context.client();
  const id = await client.networks.create({
    name: name!,
    driver: flags.driver,
    attachable: flags.attachable,
    internal: flags.internal,
    enableIPv6: flags.ipv6,
    ...(Object.keys(labels).length > 0 && { labels }),
    ...(Object.keys(options).length > 0 && { options }),
    ...(subnets.length > 0 && {
      ipam: {
        config: subnets.map((subnet, i) => ({
          subnet,
          gateway: flags.gateway?.[i],
          ipRange: flags.ipRange?.[i],
        })),
      },
    }),
  });
  context.stdout.write(`${id}\n`);
}

export async function inspect(
  context: CommandContext,
  names: string[],
  flags: { format?: string },
): Promise<void> {
  const client = await context.client();
  const networks: Network[] = [];
  for (const name of names)
    networks.push(await orNotFound("network", name, () => client.networks.inspect(name)));
  if (flags.format && flags.format !== "json") {
    for (const network of networks) printObject(context.stdout, network, flags.format);
    return;
  }
  printObject(context.stdout, networks, undefined);
}

export async function rm(context: CommandContext, names: string[]): Promise<void> {
  const client = await context.client();
  let failure: unknown;
  for (const name of names) {
    try {
      await orNotFound("network", name, () => client.networks.remove(name));
      context.stdout.write(`${name}\n`);
    } catch (error) {
      failure ??= error;
      if (names.length > 1) context.stderr.write(`flotilla: ${(error as Error).message}\n`);
    }
  }
  if (failure) throw failure;
}
