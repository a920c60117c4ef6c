import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hostKeysFor, judgeHostKey, knownHostName, matchesPatterns, parseKnownHosts } from "./known-hosts.js";

const KEY_A = Buffer.from("key-a").toString("base64");
const KEY_B = Buffer.from("key-b").toString("base64");

function hashed(name: string): string {
  const salt = Buffer.from("0123456789abcdefghij");
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

describe("known_hosts", () => {
  it.each([
    ["box", ["box"], true],
    ["box", ["*.example", "b?x"], true],
    ["box", ["*", "!box"], false],
    ["[10.0.0.1]:2222", ["[10.0.0.1]:2222"], true],
    ["[10.0.0.1]:2222", ["10.0.0.1"], false],
  ])("matches %s against %j: %s", (name, patterns, want) => {
    expect(matchesPatterns(name, patterns)).toBe(want);
  });

  it("names non-standard ports in brackets", () => {
    expect(knownHostName("h", 22)).toBe("h");
    expect(knownHostName("h", 2222)).toBe("[h]:2222");
  });

  it("judges keys: trusted, mismatched, unknown, revoked, hashed names too", () => {
    const entries = parseKnownHosts(
      [
        "# comment",
        `box,box.example ssh-ed25519 ${KEY_A}`,
        `${hashed("[hidden]:2222")} ssh-ed25519 ${KEY_A}`,
        `@revoked * ssh-ed25519 ${KEY_B}`,
      ].join("\n"),
    );
    expect(judgeHostKey(hostKeysFor(entries, "box", 22), Buffer.from("key-a"))).toBe("trusted");
    expect(judgeHostKey(hostKeysFor(entries, "hidden", 2222), Buffer.from("key-a"))).toBe("trusted");
    expect(judgeHostKey(hostKeysFor(entries, "box", 22), Buffer.from("key-c"))).toBe("mismatch");
    expect(judgeHostKey(hostKeysFor(entries, "other", 22), Buffer.from("key-c"))).toBe("unknown");
    expect(judgeHostKey(hostKeysFor(entries, "box", 22), Buffer.from("key-b"))).toBe("revoked");
  });
});
