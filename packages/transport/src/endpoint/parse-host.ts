import { EndpointError } from "../errors.js";

export type HostScheme = "unix" | "tcp" | "ssh" | "npipe";

export const DEFAULT_UNIX_HOST = "unix:///var/run/docker.sock";
export const DEFAULT_NPIPE_HOST = "npipe:////./pipe/docker_engine";

/**
 * Normalises a host as the docker CLI does: no scheme means tcp, tcp gets the engine's default port
 * (2376 with TLS, 2375 without), and an empty unix path means the default socket.
 */
export function normalizeHost(raw: string, tls: boolean): { host: string; scheme: HostScheme } {
  const value = raw.trim();
  const withScheme = value.includes("://") ? value : `tcp://${value}`;
  const scheme = withScheme.slice(0, withScheme.indexOf("://"));
  const rest = withScheme.slice(scheme.length + 3);
  switch (scheme) {
    case "unix":
      return { host: rest === "" ? DEFAULT_UNIX_HOST : withScheme, scheme };
    case "npipe":
      return { host: rest === "" ? DEFAULT_NPIPE_HOST : withScheme, scheme };
    case "ssh":
      return { host: withScheme, scheme };
    case "tcp": {
      const url = new URL(`http://${rest}`);
      if (url.hostname === "") throw new EndpointError(`no host in "${raw}"`);
      if (url.pathname !== "/" && url.pathname !== "") {
        throw new EndpointError(`"${raw}": a path prefix on a tcp host is not supported`);
      }
      return { host: `tcp://${url.hostname}:${url.port || (tls ? "2376" : "2375")}`, scheme };
    }
    default:
      throw new EndpointError(`"${raw}": unsupported scheme ${scheme}:// (use unix, tcp, ssh or npipe)`);
  }
}
