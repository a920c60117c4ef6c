/** `host:port` as the Host header and URLs write it, bracketing IPv6 literals. */
export function authority(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
