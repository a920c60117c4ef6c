import { matchesPatterns } from "./known-hosts.js";

// The part of ~/.ssh/config people use to name hosts: `Host` blocks with HostName, User, Port
// and IdentityFile. As in OpenSSH the first value found wins, except IdentityFile, which adds up.
// `Match` blocks and `Include` are not read.

export interface SshHostSettings {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
}

interface Block {
  patterns: string[];
  options: Array<[keyword: string, value: string]>;
}

function parseBlocks(text: string): Block[] {
  // Lines before the first Host apply to every host.
  const blocks: Block[] = [{ patterns: ["*"], options: [] }];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(\S+?)(?:\s*=\s*|\s+)(.+)$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toLowerCase();
    const value = match[2]!.trim();
    if (keyword === "host") blocks.push({ patterns: value.split(/\s+/), options: [] });
    else if (keyword === "match") blocks.push({ patterns: [], options: [] });
    else blocks.at(-1)!.options.push([keyword, value.replace(/^"(.*)"$/, "$1")]);
  }
  return blocks;
}

/** What ~/.ssh/config says about `alias`; `~` in identity files is left for the caller to expand. */
export function lookupSshHost(configText: string, alias: string): SshHostSettings {
  const settings: SshHostSettings = { identityFiles: [] };
  for (const block of parseBlocks(configText)) {
    if (!matchesPatterns(alias, block.patterns)) continue;
    for (const [keyword, value] of block.options) {
      if (keyword === "hostname") settings.hostName ??= value.replaceAll("%h", alias);
      else if (keyword === "user") settings.user ??= value;
      else if (keyword === "port") settings.port ??= Number(value);
      else if (keyword === "identityfile") settings.identityFiles.push(value);
    }
  }
  return settings;
}
