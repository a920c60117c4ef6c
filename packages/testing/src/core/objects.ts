import {
  type ConfigSpec,
  DATA_LIMITS,
  ENGINE_NAMES,
  type NetworkCreateRequest,
  type SecretSpec,
} from "@flotilla/types";
import { allocationPool, poolSubnet, poolSubnetCount } from "./addresses.js";
import type { Cluster } from "./cluster.js";
import { EngineError, grpc, outOfSequence } from "./errors.js";
import { sortedMap } from "./go-maps.js";
import type { StoredConfig, StoredNetwork, StoredSecret, StoredSwarm } from "./model.js";

// Secrets, configs and swarm-scope networks: create, label updates, removal, with the engine's
// checks. Secret data is kept (services may mount it) but never returned.

type Kind = "secret" | "config";

function checkObject(cluster: Cluster, kind: Kind, spec: SecretSpec | ConfigSpec): void {
  if (!spec.Name || !ENGINE_NAMES.object.test(spec.Name)) {
    throw grpc.invalid(
      "invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]",
    );
  }
  const size = spec.Data ? Buffer.from(spec.Data, "base64").length : 0;
  const external = kind === "secret" && (spec as SecretSpec).Driver;
  if (!external && (size === 0 || size >= DATA_LIMITS[kind])) {
    throw grpc.invalid(`${kind} data must be larger than 0 and less than ${DATA_LIMITS[kind]} bytes`);
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
    Spec: { ...spec, Name: spec.Name!, Labels: sortedMap(spec.Labels ?? {}) },
  };
  cluster.store.data.secrets.set(secret.ID, secret);
  cluster.emit("secret", "create", secret.ID, { name: secret.Spec.Name });
  return secret;
}

export function createConfig(cluster: Cluster, spec: ConfigSpec): StoredConfig {
  checkObject(cluster, "config", spec);
  const config: StoredConfig = {
    ...cluster.store.stamp(cluster.ids.objectId(), cluster.iso()),
    Spec: { ...spec, Name: spec.Name!, Labels: sortedMap(spec.Labels ?? {}) },
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
  const dataChanged = spec.Data !== undefined && spec.Data !== object.Spec.Data;
  if (dataChanged || (spec.Name !== undefined && spec.Name !== object.Spec.Name)) {
    throw grpc.invalid("only updates to Labels are allowed");
  }
  // swarmkit compares the version last, when it stores the change.
  if (version !== object.Version.Index) throw outOfSequence();
  object.Spec = { ...object.Spec, Labels: sortedMap(spec.Labels ?? {}) };
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
 * one was given (as the engine's default IPAM does), else the next subnet of the swarm's default
 * address pool (10.0.0.0/8 in /24s unless the swarm was made with another) that no network holds.
 * Like the engine's, the pool moves on from the last subnet it gave rather than reuse a freed one.
 */
function ipamConfig(
  request: NetworkCreateRequest,
  existing: Iterable<StoredNetwork>,
  cursor: { subnet: number },
  swarm: StoredSwarm | null,
) {
  const asked = request.IPAM?.Config ?? [];
  if (asked.length > 0) {
    return asked.map((config) => ({
      ...config,
      ...(config.Subnet && !config.Gateway ? { Gateway: firstAddress(config.Subnet) } : {}),
    }));
  }
  const { pools, size } = allocationPool(swarm?.DefaultAddrPool, swarm?.SubnetSize);
  const total = poolSubnetCount(pools, size);
  if (total === 0) return [];
  const taken = new Set<string>();
  for (const network of existing)
    for (const config of network.IPAM?.Config ?? []) taken.add(config.Subnet ?? "");
  let n = cursor.subnet % total;
  for (let tries = 0; tries < total && taken.has(poolSubnet(pools, size, n)!.Subnet); tries++)
    n = (n + 1) % total;
  cursor.subnet = n + 1;
  return [poolSubnet(pools, size, n)!];
}

function firstAddress(subnet: string): string {
  const [address = ""] = subnet.split("/");
  const octets = address.split(".").map(Number);
  octets[3] = (octets[3] ?? 0) + 1;
  return octets.join(".");
}

/** The network drivers a Docker 20.10 node has built in (its `Plugins.Network`). */
const DRIVERS = new Set(["bridge", "host", "ipvlan", "macvlan", "null", "overlay"]);
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IP = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

const isCidr = (text: string) => {
  const m = CIDR.exec(text);
  if (!m) return false;
  return m.slice(1, 5).every((o) => Number(o) < 256) && Number(m[5]) <= 32;
};
const ipNumber = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
/** Whether an address (or the whole of a range) lies in an IPv4 subnet. */
function contains(subnet: string, inner: string): boolean {
  if (!isCidr(subnet)) return true;
  const [base = "", bits = "32"] = subnet.split("/");
  const [address = "", innerBits = "32"] = inner.split("/");
  const size = 2 ** (32 - Number(bits));
  const start = ipNumber(base) - (ipNumber(base) % size);
  return Number(innerBits) >= Number(bits) && ipNumber(address) >= start && ipNumber(address) < start + size;
}

/** dockerd's checks on a create request, then swarmkit's on its IPAM configuration. */
function checkNetworkRequest(request: NetworkCreateRequest): void {
  if (!request.Name) throw new EngineError("Unknown", `invalid name: ${request.Name ?? ""}`);
  const driver = request.Driver || "overlay";
  if (!DRIVERS.has(driver)) throw new EngineError("NotFound", `plugin "${driver}" not found`);
  const configs = request.IPAM?.Config ?? [];
  for (const config of configs) {
    for (const cidr of [config.Subnet, config.IPRange]) {
      if (cidr && !cidr.includes(":") && !isCidr(cidr))
        throw new EngineError("Unknown", `Invalid subnet ${cidr} : invalid CIDR address: ${cidr}`);
    }
  }
  for (const config of configs) {
    const subnet = config.Subnet ?? "";
    if (subnet.includes(":")) continue;
    const gateway = config.Gateway;
    if (gateway && !IP.test(gateway)) throw grpc.invalid(`ipam configuration: invalid gateway ${gateway}`);
    if (gateway && !contains(subnet, gateway))
      throw grpc.invalid(`ipam configuration: subnet ${subnet} does not contain gateway ${gateway}`);
    if (config.IPRange && !contains(subnet, config.IPRange))
      throw grpc.invalid(`ipam configuration: subnet ${subnet} does not contain range ${config.IPRange}`);
  }
}

export function createNetwork(cluster: Cluster, request: NetworkCreateRequest): StoredNetwork {
  checkNetworkRequest(request);
  const networks = cluster.store.data.networks;
  for (const n of networks.values()) {
    if (n.Name === request.Name)
      throw new EngineError("Conflict", `network with name ${request.Name} already exists`);
  }
  cluster.store.data.networkCursor ??= { subnet: 0, vxlan: 0 };
  const cursor = cluster.store.data.networkCursor;
  const network: StoredNetwork = {
    Name: request.Name,
    Id: cluster.ids.objectId(),
    Created: cluster.iso(),
    Scope: "swarm",
    Driver: request.Driver ?? "overlay",
    EnableIPv6: request.EnableIPv6 ?? false,
    IPAM: {
      Driver: request.IPAM?.Driver ?? "default",
      // The CLI sends `{}` for no options; the engine answers null.
      Options: Object.keys(request.IPAM?.Options ?? {}).length
        ? sortedMap(request.IPAM?.Options as Record<string, string>)
        : null,
      Config: ipamConfig(request, networks.values(), cursor, cluster.store.data.swarm),
    },
    Internal: request.Internal ?? false,
    Attachable: request.Attachable ?? false,
    Ingress: request.Ingress ?? false,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: null,
    Options: sortedMap({
      "com.docker.network.driver.overlay.vxlanid_list": String(4096 + cursor.vxlan++),
      ...request.Options,
    }),
    Labels: sortedMap(request.Labels) ?? null,
  };
  networks.set(network.Id, network);
  cluster.store.nextVersion();
  cluster.emit("network", "create", network.Id, { name: network.Name });
  // The allocator then writes the network again with its subnet and VXLAN ID.
  cluster.emit("network", "update", network.Id, { name: network.Name });
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
