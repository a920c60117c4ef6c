import { createHmac, timingSafeEqual } from "node:crypto";

// OpenSSH's known_hosts: `[marker] hosts keytype base64key [comment]`, where hosts is a comma list
// of patterns (`*`, `?`, `!negated`, `[host]:port`) or one hashed name `|1|salt|hmac-sha1`.

export interface KnownHostEntry {
  marker: "@revoked" | "@cert-authority" | undefined;
  /** Plain patterns, or one hashed name. */
  hosts: { patterns: string[] } | { salt: Buffer; hash: Buffer };
  keyType: string;
  /** The public key blob, exactly as the server sends it. */
  key: Buffer;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0] === "@revoked" || fields[0] === "@cert-authority" ? fields.shift() : undefined;
    const [hosts, keyType, key] = fields;
    if (hosts === undefined || keyType === undefined || key === undefined) continue;
    entries.push({
      marker: marker as KnownHostEntry["marker"],
      hosts: parseHosts(hosts),
      keyType,
      key: Buffer.from(key, "base64"),
    });
  }
  return entries;
}

function parseHosts(field: string): KnownHostEntry["hosts"] {
  const hashed = /^\|1\|([^|]+)\|(.+)$/.exec(field);
  if (hashed) return { salt: Buffer.from(hashed[1]!, "base64"), hash: Buffer.from(hashed[2]!, "base64") };
  return { patterns: field.split(",") };
}

/** How known_hosts names a host: bare on port 22, `[host]:port` elsewhere. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

/** Glob patterns with negation, as OpenSSH matches host lists: any negated match wins. */
export function matchesPatterns(name: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if ("patterns" in entry.hosts) return matchesPatterns(name, entry.hosts.patterns);
  const digest = createHmac("sha1", entry.hosts.salt).update(name).digest();
  return digest.length === entry.hosts.hash.length && timingSafeEqual(digest, entry.hosts.hash);
}

export interface HostKeys {
  /** Keys the host may present. */
  trusted: KnownHostEntry[];
  /** Keys that must be refused even if also trusted. */
  revoked: KnownHostEntry[];
}

/** The entries that speak about `host:port`. Certificate authorities are not supported and skipped. */
export function hostKeysFor(entries: readonly KnownHostEntry[], host: string, port: number): HostKeys {
  const name = knownHostName(host, port);
  const matching = entries.filter((entry) => entryMatches(entry, name));
  return {
    trusted: matching.filter((entry) => entry.marker === undefined),
    revoked: matching.filter((entry) => entry.marker === "@revoked"),
  };
}

export type HostKeyVerdict = "trusted" | "unknown" | "mismatch" | "revoked";

/** Judges the key blob a server presented. */
export function judgeHostKey(keys: HostKeys, presented: Buffer): HostKeyVerdict {
  if (keys.revoked.some((entry) => entry.key.equals(presented))) return "revoked";
  if (keys.trusted.some((entry) => entry.key.equals(presented))) return "trusted";
  return keys.trusted.length === 0 ? "unknown" : "mismatch";
}
