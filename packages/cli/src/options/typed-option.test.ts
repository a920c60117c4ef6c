import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { createProgram } from "../program.js";
import { kindOf } from "./typed-option.js";

// Every value the commands that write take is read before the action runs only if it is marked
// with a kind. This keeps that true as flags are added: a new value option on a command that
// writes is either marked, or named here as free text (a name, a path, an expression the engine
// itself judges), on purpose.

const FREE_TEXT = new Set([
  "--link",
  "--user",
  "--cap-add",
  "--cap-drop",
  "--net",
  "--log-driver",
  "--constraint",
  "--network",
  "--hostname",
  "--workdir",
  "--health-cmd",
  "--env-rm",
  "--label-rm",
  "--publish-rm",
  "--constraint-add",
  "--constraint-rm",
  "--mount-rm",
  "--network-add",
  "--network-rm",
  "--secret-rm",
]);

const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {} };

function find(path: string[]): Command {
  let command = createProgram(io);
  for (const name of path) command = command.commands.find((c) => c.name() === name)!;
  return command;
}

const WRITING = [
  ["service", "create"],
  ["service", "update"],
  ["service", "scale"],
  ["service", "deploy"],
  ["service", "stop"],
  ["service", "start"],
  ["service", "restart"],
  ["service", "rollback"],
  ["service", "env", "add"],
  ["service", "secret", "link"],
];

describe("options read before the action", () => {
  it.each(WRITING.map((path) => [path.join(" "), path] as const))(
    "%s: every value option is marked with a kind or named as free text",
    (_name, path) => {
      const command = find(path);
      expect(command.options.some((option) => kindOf(option) !== undefined)).toBe(true);
      const unmarked = command.options
        .filter((option) => (option.required || option.optional) && kindOf(option) === undefined)
        .map((option) => option.long!)
        .filter((long) => !FREE_TEXT.has(long));
      expect(unmarked).toEqual([]);
    },
  );

  it("marks the global --api-version", () => {
    const option = createProgram(io).options.find((o) => o.long === "--api-version")!;
    expect(kindOf(option)).toBe("apiVersion");
  });
});
