import type { Command } from "commander";
import type { ActionNames, ActionRunner } from "../../action-runner.js";

// `flotilla context`: the docker CLI's contexts, read and written in its own store, so a context
// made by either tool works in both.

type Actions = typeof import("./actions.js");

export function registerContextCommands(program: Command, runner: ActionRunner): void {
  const action = (name: ActionNames<Actions>) => runner.action(() => import("./actions.js"), name);
  const context = program.command("context").description("Manage contexts: named engines to talk to");

  context
    .command("ls")
    .alias("list")
    .description("List contexts (the current one is marked *)")
    .option("-q, --quiet", "only print names")
    .option("--format <format>", "table, json, or a Go template such as '{{.Name}} {{.DockerEndpoint}}'")
    .action(action("ls"));

  context
    .command("use <name>")
    .description("Make a context the current one, for flotilla and the docker CLI")
    .action(action("use"));

  context
    .command("inspect [name...]")
    .description("Print contexts' JSON (default: the current one)")
    .option("--format <format>", "a Go template over each context")
    .action(action("inspect"));

  context
    .command("create <name>")
    .description("Create a context")
    .requiredOption(
      "--docker <spec>",
      "the endpoint: host=URL[,ca=FILE,cert=FILE,key=FILE,skip-tls-verify=true]; repeat it to name " +
        "several managers of one swarm (host=URL only after the first), used in turn when one stops answering",
      (spec: string, previous: string[] | undefined) => [...(previous ?? []), spec],
    )
    .option("--description <text>", "what it is")
    .action(action("create"));

  context
    .command("rm <name...>")
    .alias("remove")
    .description("Remove contexts")
    .option("-f, --force", "remove even the current context (current falls back to default)")
    .action(action("rm"));
}
