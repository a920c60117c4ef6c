import type { EndpointPortConfig } from "@flotilla/types";
import { UsageError } from "../errors.js";

// `-p/--ports` and `--publish`: Kontena's and docker's short form `[published:]target[/protocol]`,
// and docker's long form `published=8080,target=80,protocol=udp,mode=host`.

const PROTOCOLS = new Set(["tcp", "udp", "sctp"]);

export function parsePort(text: string, option = "--ports"): EndpointPortConfig {
  const bad = (why: string) =>
    new UsageError(
      `${option}: "${text}" is not a port: ${why}; write 8080:80, 80/udp or published=8080,target=80`,
    );
  if (text.includes("=")) return parseLongPort(text, bad);
  const [ports, protocol = "tcp", ...extra] = text.split("/");
  if (extra.length > 0 || !PROTOCOLS.has(protocol)) throw bad(`protocol must be tcp, udp or sctp`);
  const parts = ports!.split(":");
  if (parts.length > 2) throw bad("a host address cannot be given in swarm mode");
  const [published, target] = parts.length === 2 ? parts : [undefined, parts[0]];
  const port: EndpointPortConfig = {
    Protocol: protocol as "tcp",
    TargetPort: portNumber(target!, bad),
    PublishMode: "ingress",
  };
  if (published !== undefined && published !== "") port.PublishedPort = portNumber(published, bad);
  return port;
}

function parseLongPort(text: string, bad: (why: string) => UsageError): EndpointPortConfig {
  const port: EndpointPortConfig = { Protocol: "tcp", PublishMode: "ingress" };
  for (const field of text.split(",")) {
    const [key, value = ""] = field.split("=", 2) as [string, string?];
    if (key === "target") port.TargetPort = portNumber(value, bad);
    else if (key === "published") port.PublishedPort = portNumber(value, bad);
    else if (key === "protocol" && PROTOCOLS.has(value)) port.Protocol = value as "tcp";
    else if (key === "mode" && (value === "ingress" || value === "host")) port.PublishMode = value;
    else throw bad(`unknown field "${field}"`);
  }
  if (port.TargetPort === undefined) throw bad("target is required");
  return port;
}

function portNumber(text: string, bad: (why: string) => UsageError): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 65535)
    throw bad(`"${text}" is not a port number (1-65535)`);
  return value;
}

/** How `ls` and `show` print a port: `*:8080->80/tcp`. */
export function formatPort(port: EndpointPortConfig): string {
  const published = port.PublishedPort ? `*:${port.PublishedPort}` : "*";
  return `${published}->${port.TargetPort}/${port.Protocol ?? "tcp"}`;
}
