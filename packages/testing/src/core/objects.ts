import type { ConfigSpec, NetworkCreateRequest, SecretSpec } from "@flotilla/types";
import type { Cluster } from "./cluster.js";
import { EngineError, grpc, outOfSequence } from "./errors.js";
import type { StoredConfig, StoredNetwork, StoredSecret } from "./model.js";

// Secrets, configs and swarm-scope networks: create, label updates, removal, with the engine's
// checks. Secret data is kept (services may mount it) but never returned.

const OBJECT_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-_.]{0,62}[a-zA-Z0-9])?$/;
const LIMITS = { secret: 500 * 1024, config: 1000 * 1024 };

type Kind = "secret" | "config";

function checkObject(cluster: Cluster, kind: Kind, spec: SecretSpec | ConfigSpec): void {
  if (!spec.Name || !OBJECT_NAME.test(spec.Name)) {
    throw grpc.invalid(
      "invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]",
    );
  }
  const size = spec.Data ? Buffer.from(spec.Data, "base64").length : 0;
  const external = kind === "secret" && (spec as SecretSpec).Driver;
  if (!external && (size === 0 || size >= LIMITS[kind])) {
    throw grpc.invalid(`${kind} data must be larger than 0 and less than ${LIMITS[kind]} bytes`);
  }
  const existing = kind === "secret" ? cluster.store.data.secrets : cluster.store.data.configs;
  for (const object of existing.values()) {
    if (object.Spec.Name === spec.Name) throw grpc.exists(`${kind} ${spec.Name} already exists`);
  }
}

export function createSecret(cluster: Cluster, spec: SecretSpec): StoredSecret {
  checkObject(cluster, "secret", spec);
  const secret: StoredSecret = {
    ...cluster.store.stamp(cluster.ids.objectId(), cluster.iso()),
    Spec: { ...spec, Name: spec.Name!, Labels: spec.Labels ?? {} },
  };
  cluster.store.data.secrets.set(secret.ID, secret);
  cluster.emit("secret", "create", secret.ID, { name: secret.Spec.Name });
  return secret;
}

export function createConfig(cluster: Cluster, spec: ConfigSpec): StoredConfig {
  checkObject(cluster, "config", spec);
  const config: StoredConfig = {
    ...cluster.store.stamp(cluster.ids.objectId(), cluster.iso()),
    Spec: { ...spec, Name: spec.Name!, Labels: spec.Labels ?? {} },
  };
  cluster.store.data.configs.set(config.ID, config);
  cluster.emit("config", "create", config.ID, { name: config.Spec.Name });
  return config;
}

/** Only labels may change; anything else is refused as swarmkit refuses it. */
export function updateObject(
  cluster: Cluster,
  kind: Kind,
  ref: string,
  version: number,
  spec: SecretSpec,
): void {
  const object = kind === "secret" ? cluster.store.secret(ref) : cluster.store.config(ref);
  if (version !== object.Version.Index) throw outOfSequence();
  const dataChanged = spec.Data !== undefined && spec.Data !== object.Spec.Data;
  if (dataChanged || (spec.Name !== undefined && spec.Name !== object.Spec.Name)) {
    throw grpc.invalid("only updates to Labels are allowed");
  }
  object.Spec = { ...object.Spec, Labels: spec.Labels ?? {} };
  cluster.store.touch(object, cluster.iso());
  cluster.emit(kind, "update", object.ID, { name: object.Spec.Name });
}

export function removeObject(cluster: Cluster, kind: Kind, ref: string): void {
  const object = kind === "secret" ? cluster.store.secret(ref) : cluster.store.config(ref);
  const users: string[] = [];
  for (const service of cluster.store.data.services.values()) {
    const container = service.Spec.TaskTemplate.ContainerSpec;
    const refs = kind === "secret" ? container?.Secrets : container?.Configs;
    const ids = (refs ?? []).map((r) =>
      "SecretID" in r ? r.SecretID : (r as { ConfigID?: string }).ConfigID,
    );
    if (ids.includes(object.ID)) users.push(service.Spec.Name);
  }
  if (users.length > 0) {
    const plural = users.length > 1 ? "s" : "";
    throw grpc.invalid(
      `${kind} '${object.Spec.Name}' is in use by the following service${plural}: ${users.join(", ")}`,
    );
  }
  (kind === "secret" ? cluster.store.data.secrets : cluster.store.data.configs).delete(object.ID);
  cluster.emit(kind, "remove", object.ID, { name: object.Spec.Name });
}

/**
 * The subnets a new network gets: those asked for, each with its first address as gateway unless
 * one was given (as the engine's default IPAM does), else the lowest 10.0.N.0/24 no network holds.
 */
function ipamConfig(request: NetworkCreateRequest, existing: Iterable<StoredNetwork>) {
  const asked = request.IPAM?.Config ?? [];
  if (asked.length > 0) {
    return asked.map((config) => ({
      ...config,
      ...(config.Subnet && !config.Gateway ? { Gateway: firstAddress(config.Subnet) } : {}),
    }));
  }
  const taken = new Set<string>();
  for (const network of existing)
    for (const config of network.IPAM?.Config ?? []) taken.add(config.Subnet ?? "");
  let n = 0;
  while (taken.has(`10.0.${n}.0/24`)) n++;
  return [{ Subnet: `10.0.${n}.0/24`, Gateway: `10.0.${n}.1` }];
}

function firstAddress(subnet: string): string {
  const [address = ""] = subnet.split("/");
  const octets = address.split(".").map(Number);
  octets[3] = (octets[3] ?? 0) + 1;
  return octets.join(".");
}

export function createNetwork(cluster: Cluster, request: NetworkCreateRequest): StoredNetwork {
  const networks = cluster.store.data.networks;
  for (const n of networks.values()) {
    if (n.Name === request.Name)
      throw new EngineError(409, `network with name ${request.Name} already exists`);
  }
  const index = networks.size;
  const network: StoredNetwork = {
    Name: request.Name,
    Id: cluster.ids.objectId(),
    Created: cluster.iso(),
    Scope: "swarm",
    Driver: request.Driver ?? "overlay",
    EnableIPv6: request.EnableIPv6 ?? false,
    IPAM: {
      Driver: request.IPAM?.Driver ?? "default",
      Options: (request.IPAM?.Options as Record<string, string> | undefined) ?? null,
      Config: ipamConfig(request, networks.values()),
    },
    Internal: request.Internal ?? false,
    Attachable: request.Attachable ?? false,
    Ingress: request.Ingress ?? false,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: null,
    Options: { "com.docker.network.driver.overlay.vxlanid_list": String(4096 + index), ...request.Options },
    Labels: request.Labels ?? null,
  };
  networks.set(network.Id, network);
  cluster.store.nextVersion();
  cluster.emit("network", "create", network.Id, { name: network.Name });
  return network;
}

export function removeNetwork(cluster: Cluster, ref: string): void {
  const network = cluster.store.network(ref);
  for (const service of cluster.store.data.services.values()) {
    const targets = (service.Spec.TaskTemplate.Networks ?? []).map((n) => n.Target);
    if (targets.includes(network.Id) || targets.includes(network.Name)) {
      throw grpc.precondition(`network ${network.Id} is in use by service ${service.ID}`);
    }
  }
  cluster.store.data.networks.delete(network.Id);
  cluster.emit("network", "remove", network.Id, { name: network.Name });
}
