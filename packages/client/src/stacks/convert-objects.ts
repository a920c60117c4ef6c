import { readFileSync } from "node:fs";
import type { ConfigSpec, NetworkCreateRequest, SecretSpec } from "@flotilla/types";
import type { ComposeDocument, ComposeFileObject } from "./model.js";
import { type Namespace, stackLabels } from "./namespace.js";

// Top-level objects to swarm requests, as `docker stack deploy` makes them: only the networks some
// service uses (`default` when a service names none), `overlay` unless a driver is given; every
// secret and config that is not external, with the file's bytes. External objects are only
// named, for checking that they exist.

export interface StackNetwork {
  /** The compose key (`default`, `front`). */
  key: string;
  body: NetworkCreateRequest & { Name: string };
}

export interface StackObjects {
  networks: StackNetwork[];
  /** Names of external networks the services use. */
  externalNetworks: string[];
  secrets: SecretSpec[];
  configs: ConfigSpec[];
  externalSecrets: string[];
  externalConfigs: string[];
}

/** A file a secret or config needs and cannot be read; refused before anything is sent. */
export class MissingFileProblem extends Error {
  constructor(
    readonly path: string,
    readonly file: string,
  ) {
    super(`${path}.file: cannot read ${file}`);
  }
}

export function usedNetworks(document: ComposeDocument): Set<string> {
  const used = new Set<string>();
  for (const service of Object.values(document.services)) {
    const names = Object.keys(service.networks ?? {});
    if (names.length === 0) used.add("default");
    for (const name of names) used.add(name);
  }
  return used;
}

function fileData(object: ComposeFileObject, path: string): string {
  try {
    return readFileSync(object.file ?? "").toString("base64");
  } catch {
    throw new MissingFileProblem(path, object.file ?? "");
  }
}

export function convertObjects(document: ComposeDocument, namespace: Namespace): StackObjects {
  const networks: StackNetwork[] = [];
  const externalNetworks: string[] = [];
  for (const key of [...usedNetworks(document)].sort()) {
    const network = document.networks[key] ?? {};
    if (network.external) {
      externalNetworks.push(network.name ?? key);
      continue;
    }
    const ipamWanted = network.ipam?.driver !== undefined || (network.ipam?.config?.length ?? 0) > 0;
    networks.push({
      key,
      body: {
        Name: network.name ?? namespace.scope(key),
        Driver: network.driver || "overlay",
        ...(network.driver_opts && { Options: network.driver_opts }),
        Labels: stackLabels(namespace, network.labels),
        ...(network.internal && { Internal: true }),
        ...(network.attachable && { Attachable: true }),
        ...(ipamWanted && {
          IPAM: {
            ...(network.ipam?.driver && { Driver: network.ipam.driver }),
            Config: (network.ipam?.config ?? []).map((c) => ({ ...(c.subnet && { Subnet: c.subnet }) })),
          },
        }),
      },
    });
  }

  const secrets: SecretSpec[] = [];
  const externalSecrets: string[] = [];
  for (const [key, secret] of Object.entries(document.secrets)) {
    if (secret.external) {
      externalSecrets.push(secret.name ?? key);
      continue;
    }
    const name = secret.name ?? namespace.scope(key);
    const labels = stackLabels(namespace, secret.labels);
    secrets.push({
      Name: name,
      Labels: labels,
      // A secret from a driver has no data of its own.
      Data: secret.driver ? "" : fileData(secret, `secrets.${key}`),
      ...(secret.driver && {
        Driver: { Name: secret.driver, ...(secret.driver_opts && { Options: secret.driver_opts }) },
      }),
      ...(secret.template_driver && { Templating: { Name: secret.template_driver } }),
    });
  }

  const configs: ConfigSpec[] = [];
  const externalConfigs: string[] = [];
  for (const [key, config] of Object.entries(document.configs)) {
    if (config.external) {
      externalConfigs.push(config.name ?? key);
      continue;
    }
    configs.push({
      Name: config.name ?? namespace.scope(key),
      Labels: stackLabels(namespace, config.labels),
      Data: fileData(config, `configs.${key}`),
      ...(config.template_driver && { Templating: { Name: config.template_driver } }),
    });
  }
  return { networks, externalNetworks, secrets, configs, externalSecrets, externalConfigs };
}
