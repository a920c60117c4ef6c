import { type Command, Option } from "commander";
import type { ActionNames, ActionRunner } from "../../action-runner.js";
import { collect } from "../../options/collect.js";

// `flotilla node`: the swarm's nodes. A node is named by ID, hostname, ID prefix, or `self`.

type Actions = typeof import("./actions.js");

export function registerNodeCommands(program: Command, runner: ActionRunner): void {
  const action = (name: ActionNames<Actions>) => runner.action(() => import("./actions.js"), name);
  const node = program.command("node").description("Manage the swarm's nodes");

  node
    .command("ls")
    .alias("list")
    .description("List nodes (the one answering is marked *)")
    .option("-q, --quiet", "only print IDs")
    .option("--format <format>", "table, json, or a Go template such as '{{.Hostname}} {{.Availability}}'")
    .option(
      "-f, --filter <KEY=VALUE>",
      "id, name, label, node.label, membership or role (repeatable)",
      collect,
    )
    .action(action("ls"));

  node
    .command("inspect <node...>")
    .description("Print nodes' JSON, or a summary with --pretty")
    .option("--pretty", "a summary to read rather than JSON")
    .option("--format <format>", "a Go template over each node")
    .action(action("inspect"));

  node
    .command("update <node>")
    .description("Change a node's availability, role or labels")
    .addOption(
      new Option("--availability <availability>", "schedule on it or not").choices([
        "active",
        "pause",
        "drain",
      ]),
    )
    .addOption(new Option("--role <role>", "its role").choices(["worker", "manager"]))
    .option("--label-add <KEY=VALUE>", "add or change a label (repeatable)", collect)
    .option("--label-rm <KEY>", "remove a label (repeatable)", collect)
    .action(action("update"));

  node.command("promote <node...>").description("Make nodes managers").action(action("promote"));
  node.command("demote <node...>").description("Make managers workers").action(action("demote"));

  node
    .command("rm <node...>")
    .alias("remove")
    .description("Remove nodes from the swarm")
    .option("-f, --force", "remove even a node that is still up")
    .action(action("rm"));

  node
    .command("ps [node...]")
    .description("List the tasks on nodes (default: self)")
    .option("-q, --quiet", "only print task IDs")
    .option("--format <format>", "table, json, or a Go template")
    .option("-a, --all", "include tasks that were replaced or shut down (default: only desired-running)")
    .option("--no-trunc", "do not truncate IDs and errors")
    .action(action("ps"));
}
