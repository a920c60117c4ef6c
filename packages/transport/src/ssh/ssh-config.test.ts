import { describe, expect, it } from "vitest";
import { lookupSshHost } from "./ssh-config.js";

const CONFIG = `
IdentityFile ~/.ssh/global
Host engine prod-*
  HostName 10.0.0.5
  User deploy
  Port=2200
  IdentityFile ~/.ssh/engine
Host *
  User nobody
  Port 22
`;

describe("lookupSshHost", () => {
  it("takes the first value of each setting and gathers identity files", () => {
    expect(lookupSshHost(CONFIG, "engine")).toEqual({
      hostName: "10.0.0.5",
      user: "deploy",
      port: 2200,
      identityFiles: ["~/.ssh/global", "~/.ssh/engine"],
    });
  });

  it("falls through to Host * for other names", () => {
    expect(lookupSshHost(CONFIG, "elsewhere")).toEqual({
      user: "nobody",
      port: 22,
      identityFiles: ["~/.ssh/global"],
    });
  });
});
