import { describe, expect, it } from "vitest";
import { createProgram } from "./program.js";

const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {} };
const groups = (argv?: string[]) => createProgram(io, undefined, argv).commands.map((c) => c.name());

describe("createProgram", () => {
  const all = groups();

  it("registers only the group a command line runs, past global options and their values", () => {
    expect(all.length).toBeGreaterThan(5);
    expect(groups(["service", "ls"])).toEqual(["service"]);
    expect(groups(["--host", "unix:///x.sock", "--debug", "secret", "ls"])).toEqual(["secret"]);
    expect(groups(["-H", "node", "service", "ls"])).toEqual(["service"]);
    expect(groups(["--context=prod", "node", "ls"])).toEqual(["node"]);
  });

  it("registers every group for help, version and words that are not a group", () => {
    expect(groups(["--help"])).toEqual(all);
    expect(groups(["--version"])).toEqual(all);
    expect(groups(["help", "service"])).toEqual(all);
    expect(groups(["servce", "ls"])).toEqual(all);
    expect(groups(["--", "service"])).toEqual(all);
  });
});

describe("the service group's create and update flags", () => {
  const create = (argv?: string[]) =>
    createProgram(io, undefined, argv)
      .commands.find((c) => c.name() === "service")!
      .commands.find((c) => c.name() === "create")!;

  it("are added only when a command line runs one of those commands, help included", async () => {
    expect(create().options.length).toBeGreaterThan(50);
    expect(create(["service", "ls"]).options.map((o) => o.long)).toEqual(["--deploy"]);
    for (const argv of [
      ["service", "create", "--help"],
      ["service", "help", "create"],
    ]) {
      let out = "";
      const program = createProgram({ ...io, stdout: { write: (t: string) => (out += t) } }, undefined, argv);
      // Help ends the parse with commander's exit error (the program overrides process.exit).
      await expect(program.parseAsync(argv, { from: "user" })).rejects.toMatchObject({ exitCode: 0 });
      expect(out).toContain("-p, --ports <port>");
      expect(out).toContain("--timeout <seconds>");
    }
  });
});
