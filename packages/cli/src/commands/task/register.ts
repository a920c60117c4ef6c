import { type Command, Option } from "commander";
import type { ActionNames, ActionRunner } from "../../action-runner.js";
import { collect } from "../../options/collect.js";

// `flotilla task`: tasks across services, as python-on-whales' task commands see them.

type Actions = typeof import("./actions.js");

export function registerTaskCommands(program: Command, runner: ActionRunner): void {
  const action = (name: ActionNames<Actions>) => runner.action(() => import("./actions.js"), name);
  const task = program.command("task").description("List, inspect and read the logs of tasks");

  task
    .command("ls")
    .alias("list")
    .description("List tasks of every service")
    .option("-q, --quiet", "only print task IDs")
    .option("--format <format>", "table, json, or a Go template")
    .option(
      "-f, --filter <KEY=VALUE>",
      "service, node, desired-state, name, id or label (repeatable; service and node take names)",
      collect,
    )
    .option("--no-trunc", "do not truncate IDs and errors")
    .action(action("ls"));

  task
    .command("inspect <task...>")
    .description("Print tasks' JSON (a task is named by ID or ID prefix)")
    .option("--format <format>", "a Go template over each task")
    .action(action("inspect"));

  task
    .command("logs <task>")
    .description("Show a task's output")
    .option("-f, --follow", "keep following new output")
    .addOption(new Option("--tail <n>", "lines to show from the end (or all)").default("all"))
    .option("--since <time>", "only output since a time (RFC 3339, Unix seconds, or a duration such as 10m)")
    .option("-t, --timestamps", "print each line's timestamp")
    .action(action("logs"));
}
