import { SocketTransport } from "../socket-transport.js";
import type { StageTimeouts } from "../transport.js";
import { connectNet } from "./connect-net.js";

/** Docker Desktop's pipe on Windows. */
export const DEFAULT_PIPE_PATH = "\\\\.\\pipe\\docker_engine";

export interface NamedPipeTransportOptions {
  /** `\\.\pipe\docker_engine` by default. */
  pipePath?: string;
  connections?: number;
  timeout?: StageTimeouts;
}

/** `npipe:////./pipe/docker_engine` (the DOCKER_HOST form) to `\\.\pipe\docker_engine` (node's form). */
export function pipePathFromHost(host: string): string {
  const rest = host.replace(/^npipe:\/\//, "");
  return rest.replaceAll("/", "\\");
}

/**
 * Windows named pipes. node:net connects to a pipe path exactly as to a unix socket path, so this
 * is the unix adapter with another default. Not exercised here: CI runs on Linux only.
 */
export class NamedPipeTransport extends SocketTransport {
  constructor(options: NamedPipeTransportOptions = {}) {
    const path = options.pipePath ?? DEFAULT_PIPE_PATH;
    const endpoint = `npipe://${path.replaceAll("\\", "/")}`;
    super({
      endpoint,
      openSocket: () => connectNet({ path }, endpoint),
      connections: options.connections,
      timeout: options.timeout,
    });
  }
}
