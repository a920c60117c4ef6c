import type { ServicePort, ServiceVolume } from "./model.js";

// The one-line spellings of ports and volumes, read into their long forms as the docker CLI reads
// them. Errors are plain messages; the caller adds the path.

export class SyntaxProblem extends Error {}

const PROTOCOLS = new Set(["tcp", "udp", "sctp"]);

function portRange(text: string, what: string): [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) throw new SyntaxProblem(`invalid ${what} port "${text}"`);
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start > 65535 || end > 65535 || end < start)
    throw new SyntaxProblem(`invalid ${what} port range "${text}"`);
  return [start, end];
}

/** `[IP:][HOST:]CONTAINER[/PROTOCOL]`, where HOST and CONTAINER may be ranges; an IP is ignored (swarm listens on all). */
export function parsePort(spec: string): ServicePort[] {
  let rest = spec;
  let protocol = "tcp";
  const slash = rest.lastIndexOf("/");
  if (slash !== -1) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!PROTOCOLS.has(protocol)) throw new SyntaxProblem(`invalid protocol "${protocol}" in port "${spec}"`);
  }
  // An IPv6 address is written in brackets and holds colons of its own.
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]:");
    if (close === -1) throw new SyntaxProblem(`invalid port "${spec}"`);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(":");
  let host = "";
  let container: string;
  if (parts.length === 1) container = parts[0]!;
  else if (parts.length === 2) [host, container] = parts as [string, string];
  else if (parts.length === 3) [, host, container] = parts as [string, string, string];
  else throw new SyntaxProblem(`invalid port "${spec}"`);
  const [containerStart, containerEnd] = portRange(container, "container");
  const containerCount = containerEnd - containerStart + 1;
  const ports: ServicePort[] = [];
  const add = (target: number, published: number) =>
    ports.push({ mode: "ingress", target, published, protocol });
  if (host === "") {
    for (let port = containerStart; port <= containerEnd; port++) add(port, 0);
    return ports;
  }
  const [hostStart, hostEnd] = portRange(host, "host");
  const hostCount = hostEnd - hostStart + 1;
  if (containerCount === 1 && hostCount > 1) {
    // One container port published on each port of a host range.
    for (let port = hostStart; port <= hostEnd; port++) add(containerStart, port);
  } else if (containerCount === hostCount) {
    for (let i = 0; i < containerCount; i++) add(containerStart + i, hostStart + i);
  } else {
    throw new SyntaxProblem(`invalid ranges for container and host ports in "${spec}"`);
  }
  // The docker CLI keys ports by "port/protocol" text and sorts those keys.
  const key = (port: ServicePort) => `${port.target}/${protocol}`;
  return ports.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

const PROPAGATIONS = new Set(["rprivate", "private", "rshared", "shared", "rslave", "slave"]);

function isPath(source: string): boolean {
  if (/^[./~]/.test(source)) return true;
  if (source.length === 1) return false;
  return source.startsWith("\\\\") || /^[a-z]:/i.test(source);
}

/** `[SOURCE:]TARGET[:MODE]`: a path as SOURCE makes a bind mount, a name a named volume, none an anonymous one. */
export function parseVolume(spec: string): ServiceVolume {
  if (spec === "") throw new SyntaxProblem("empty volume");
  if (spec.length <= 2) return { type: "volume", target: spec };
  const fields: string[] = [];
  let buffer = "";
  for (const char of spec) {
    // A Windows drive letter ("C:") is part of a path, not a separator.
    if (char === ":" && !(buffer.length === 1 && /[a-z]/i.test(buffer))) {
      fields.push(buffer);
      buffer = "";
    } else buffer += char;
  }
  fields.push(buffer);
  if (fields.some((f) => f === ""))
    throw new SyntaxProblem(`invalid volume "${spec}": empty section between colons`);
  if (fields.length > 3) throw new SyntaxProblem(`invalid volume "${spec}": too many colons`);
  if (fields.length === 1) return { type: "volume", target: fields[0]! };
  const [source, target, mode] = fields as [string, string, string | undefined];
  const volume: ServiceVolume = { type: isPath(source) ? "bind" : "volume", source, target };
  for (const option of mode?.split(",") ?? []) {
    if (option === "ro") volume.read_only = true;
    else if (option === "rw") volume.read_only = false;
    else if (option === "nocopy") volume.volume = { nocopy: true };
    else if (PROPAGATIONS.has(option)) volume.bind = { propagation: option };
    // Other options (z, Z, cached, ...) are ignored, as the docker CLI ignores them.
  }
  return volume;
}
