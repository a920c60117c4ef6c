import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN, requireBuiltBin } from "./run-bin.js";

// Flags meant for flotilla are flotilla's, even where Node has one of the same name. Node reads
// `--env-file` anywhere on its command line up to a `--` (nodejs/node#54232), script arguments
// included, and exits 9 before any JavaScript runs; so the executable must start Node with `--`
// before the script. Run as installed: the file itself, through its #! line.

describe("the built flotilla, run through its #! line", () => {
  it.each([
    ["--env-file", "/missing"],
    ["--env-file=/missing", undefined],
  ])("leaves %s to flotilla: exit 2, the option named", (flag, value) => {
    requireBuiltBin();
    const args = ["service", "create", "web", "busybox", flag, ...(value ? [value] : [])];
    const run = spawnSync(BIN, args, { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
    expect(run.stderr).toMatch(/^flotilla: unknown option '--env-file/);
    expect(run.status).toBe(2);
  });
});
