import type { StoredNetwork } from "./model.js";
import type { Store } from "./store.js";

// IPv4 addresses handed out on swarm networks (service VIPs and task attachments): the lowest
// free host address of the network's first IPv4 subnet, past its gateway. Released when the
// service or task goes, as the engine's IPAM releases them.

/** `10.0.7.3/24`, or undefined when the network has no IPv4 subnet or none is left. */
export function allocateAddress(store: Store, network: StoredNetwork): string | undefined {
  const config = network.IPAM.Config.find((c) => c.Subnet && parseCidr(c.Subnet));
  if (!config?.Subnet) return undefined;
  const { base, bits } = parseCidr(config.Subnet)!;
  const size = 2 ** (32 - bits);
  const used = usedOn(store, network.Id);
  const gateway = config.Gateway ? toNumber(config.Gateway) : base + 1;
  // Each node's ingress sandbox holds an address on ingress, the first ones after the gateway.
  let reserved = network.Ingress ? store.data.nodes.size : 0;
  for (let offset = 1; offset < size - 1; offset++) {
    const address = base + offset;
    if (address === gateway) continue;
    if (reserved > 0) {
      reserved--;
      continue;
    }
    const text = toText(address);
    if (used.has(text)) continue;
    used.add(text);
    return `${text}/${bits}`;
  }
  return undefined;
}

export function releaseAddress(store: Store, networkId: string, cidr: string): void {
  store.data.addresses.get(networkId)?.delete(cidr.split("/")[0]!);
}

function usedOn(store: Store, networkId: string): Set<string> {
  let used = store.data.addresses.get(networkId);
  if (!used) {
    used = new Set();
    store.data.addresses.set(networkId, used);
  }
  return used;
}

function parseCidr(cidr: string): { base: number; bits: number } | undefined {
  const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!match) return undefined;
  const bits = Number(match[2]);
  if (bits > 30) return undefined;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (toNumber(match[1]!) & mask) >>> 0, bits };
}

function toNumber(ip: string): number {
  return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

function toText(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** The pool a swarm made without one allocates from, and its subnet size. */
export const DEFAULT_POOL: readonly string[] = ["10.0.0.0/8"];
export const DEFAULT_SUBNET_SIZE = 24;

/** The subnets networks are drawn from: the swarm's pool, or the default when it reports none. */
export function allocationPool(
  pool: readonly string[] | null | undefined,
  size: number | undefined,
): { pools: readonly string[]; size: number } {
  return pool && pool.length > 0
    ? { pools: pool, size: size ?? 0 }
    : { pools: DEFAULT_POOL, size: DEFAULT_SUBNET_SIZE };
}

/** How many subnets of `size` bits the IPv4 pools hold between them (IPv6 pools give none here). */
export function poolSubnetCount(pools: readonly string[], size: number): number {
  return pools.reduce((sum, pool) => sum + subnetsIn(pool, size), 0);
}

/** The `n`th subnet of `size` bits, counting through the IPv4 pools in order, with its gateway. */
export function poolSubnet(
  pools: readonly string[],
  size: number,
  n: number,
): { Subnet: string; Gateway: string } | undefined {
  let rest = n;
  for (const pool of pools) {
    const count = subnetsIn(pool, size);
    if (rest < count) {
      const base = toNumber(pool.split("/")[0]!) & maskOf(Number(pool.split("/")[1]));
      const subnet = (base >>> 0) + rest * 2 ** (32 - size);
      return { Subnet: `${toText(subnet)}/${size}`, Gateway: toText(subnet + 1) };
    }
    rest -= count;
  }
  return undefined;
}

function subnetsIn(pool: string, size: number): number {
  const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(pool);
  if (!match || size <= 0 || size > 32) return 0;
  const bits = Number(match[2]);
  return bits <= size ? 2 ** (size - bits) : 0;
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}
