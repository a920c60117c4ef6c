import type { Command } from "commander";
import type { ActionRunner, CommandModule } from "../../action-runner.js";
import { collect } from "../../options/collect.js";
import type { StoredKind } from "./actions.js";

// `flotilla secret` and `flotilla config`: the same four commands over two kinds of swarm object.
// A secret's value goes in and never comes out; a config's can be read back.

type Actions = Pick<typeof import("./actions.js"), "create" | "ls" | "inspect" | "rm">;

export function registerStoredCommands(program: Command, runner: ActionRunner, kind: StoredKind): void {
  const action = (name: keyof Actions) =>
    runner.lazy(() =>
      import("./actions.js").then(
        (m): CommandModule => ({
          run: (context, operands, flags) => m[name](kind, context, operands, flags),
        }),
      ),
    );
  const plural = `${kind}s`;
  const group = program
    .command(kind)
    .description(
      kind === "secret" ? "Manage swarm secrets (values are never printed)" : "Manage swarm configs",
    );

  group
    .command("create <name> [file]")
    .description(`Create a ${kind} from a file, or from stdin when the file is - or left out`)
    .option("-l, --label <KEY=VALUE>", "a label (repeatable)", collect)
    .action(action("create"));

  group
    .command("ls")
    .alias("list")
    .description(`List ${plural}`)
    .option("-q, --quiet", "only print IDs")
    .option("--format <format>", "table, json, or a Go template such as '{{.Name}} {{.CreatedAt}}'")
    .option("-f, --filter <KEY=VALUE>", "id, name or label (repeatable)", collect)
    .action(action("ls"));

  group
    .command("inspect <name...>")
    .description(
      `Print ${plural}' JSON${kind === "secret" ? " (the engine never returns a secret's value)" : ""}`,
    )
    .option("--format <format>", `a Go template over each ${kind}`)
    .action(action("inspect"));

  group.command("rm <name...>").alias("remove").description(`Remove ${plural}`).action(action("rm"));
}
