import { type Command, Option } from "commander";
import type { ActionNames, ActionRunner } from "../../action-runner.js";
import { collect } from "../../options/collect.js";

// `flotilla stack`: compose files deployed to swarm as `docker stack` does, so either tool sees
// and manages the other's stacks. Kontena's `stack install/upgrade/show` spellings are kept.

type Actions = typeof import("./actions.js");

export function registerStackCommands(program: Command, runner: ActionRunner): void {
  const action = (name: ActionNames<Actions>) => runner.action(() => import("./actions.js"), name);
  const stack = program
    .command("stack")
    .description("Deploy and manage stacks of services from compose files");

  stack
    .command("deploy <stack>")
    .aliases(["up", "install", "upgrade"])
    .description("Deploy a new stack or update an existing one from compose files")
    .requiredOption(
      "-c, --compose-file <file>",
      "compose file (repeatable: later files merge onto earlier ones)",
      collect,
    )
    .option("--prune", "remove the stack's services the files no longer have")
    .option("--with-registry-auth", "send registry credentials to the swarm agents")
    .addOption(
      new Option("--resolve-image <when>", "query the registry for image digests")
        .choices(["always", "changed", "never"])
        .default("always"),
    )
    .option(
      "--env-file <file>",
      "read interpolation variables from a KEY=VALUE file too (repeatable)",
      collect,
    )
    .option("-d, --detach", "return once the services are created, without waiting for them to converge")
    .option("-q, --quiet", "do not show progress")
    .option("--timeout <seconds>", "how long to wait for the services to converge", "300")
    .action(action("deploy"));

  stack
    .command("ls")
    .alias("list")
    .description("List stacks")
    .option("-q, --quiet", "only print stack names")
    .option("--format <format>", "table, json, or a Go template")
    .action(action("ls"));

  stack
    .command("services <stack>")
    .description("List the services of a stack")
    .option("-q, --quiet", "only print service IDs")
    .option("--format <format>", "table, json, or a Go template")
    .action(action("services"));

  stack
    .command("ps <stack>")
    .description("List the tasks of a stack")
    .option("-q, --quiet", "only print task IDs")
    .option("--format <format>", "table, json, or a Go template")
    .option("--no-trunc", "do not truncate IDs and errors")
    .action(action("ps"));

  stack
    .command("rm <stack...>")
    .aliases(["remove", "down"])
    .description("Remove one or more stacks")
    .action(action("rm"));

  stack
    .command("config")
    .description("Print the merged, interpolated and validated compose document")
    .requiredOption("-c, --compose-file <file>", "compose file (repeatable)", collect)
    .option(
      "--env-file <file>",
      "read interpolation variables from a KEY=VALUE file too (repeatable)",
      collect,
    )
    .action(action("config"));

  stack
    .command("show <stack>")
    .description("Show a stack: its services, networks, secrets and configs")
    .option("--format <format>", "json (the default) or a Go template")
    .action(action("show"));
}
