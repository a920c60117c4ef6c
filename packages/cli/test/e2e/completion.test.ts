import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useFakeSwarm } from "./fixture.js";
import { flotilla } from "./harness.js";

const cli = useFakeSwarm();
const bin = new URL("../../dist/bin.cjs", import.meta.url).pathname;
const hasBash = spawnSync("bash", ["--version"]).status === 0;

async function complete(...words: string[]): Promise<string[]> {
  const result = await cli.ok(["__complete", "--", ...words]);
  return result.stdout.split("\n").filter(Boolean);
}

describe("completion candidates", () => {
  it("completes command groups, subcommands and options from the command tree", async () => {
    expect(await complete("s")).toEqual(["sandbox", "secret", "service", "stack", "swarm"]);
    expect(await complete("node", "")).toEqual(["demote", "inspect", "ls", "promote", "ps", "rm", "update"]);
    expect(await complete("node", "update", "--a")).toEqual([
      "--allow-plain-tcp",
      "--api-version",
      "--availability",
    ]);
    expect(await complete("node", "update", "x", "--availability", "")).toEqual(["active", "drain", "pause"]);
    expect(await complete("--con")).toEqual(["--context"]);
    expect(await complete("completion", "")).toEqual(["bash", "fish", "zsh"]);
  });

  it("completes service and node names from the engine", async () => {
    await cli.ok("service create web busybox:latest");
    await cli.ok("service create worker busybox:latest");
    expect(await complete("service", "scale", "w")).toEqual(["web", "worker"]);
    expect(await complete("service", "rm", "web", "")).toEqual(["web", "worker"]);
    expect(await complete("node", "ps", "node-")).toEqual(["node-1", "node-2", "node-3"]);
    expect(await complete("--debug", "service", "logs", "we")).toEqual(["web"]);
  });

  it("prints nothing, and no error, when the engine cannot be reached", async () => {
    const result = await flotilla([
      "__complete",
      "--",
      "-H",
      "unix:///nonexistent.sock",
      "service",
      "rm",
      "",
    ]);
    expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it.each(["bash", "zsh", "fish"])("prints a %s script that asks flotilla __complete", async (shell) => {
    const { stdout } = await cli.ok(`completion ${shell}`);
    expect(stdout).toContain("flotilla __complete --");
  });
});

describe.skipIf(!hasBash || !existsSync(bin))("the bash script", () => {
  it("is valid bash, and completes a command line through the built flotilla", async () => {
    const script = (await cli.ok("completion bash")).stdout;
    const dir = mkdtempSync(join(tmpdir(), "flotilla-completion-"));
    writeFileSync(join(dir, "completion.bash"), script);
    expect(spawnSync("bash", ["-n", join(dir, "completion.bash")]).status).toBe(0);
    writeFileSync(join(dir, "flotilla"), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
    chmodSync(join(dir, "flotilla"), 0o755);
    const session = [
      `source ${join(dir, "completion.bash")}`,
      "complete -p flotilla",
      `COMP_WORDS=(flotilla node up); COMP_CWORD=2; _flotilla_completions; echo "[\${COMPREPLY[*]}]"`,
      `COMP_WORDS=(flotilla se); COMP_CWORD=1; _flotilla_completions; echo "[\${COMPREPLY[*]}]"`,
    ].join("\n");
    const result = spawnSync("bash", ["--norc", "-c", session], {
      encoding: "utf8",
      env: { PATH: `${dir}:${process.env.PATH}`, HOME: dir },
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(
      "complete -o default -F _flotilla_completions flotilla\n[update]\n[secret service]\n",
    );
  });
});
