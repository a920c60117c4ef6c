import { Argument, type Command, Option } from "commander";
import type { ActionRunner } from "../../action-runner.js";
import { addServiceFlags, addWaitFlags } from "../../options/service-flags.js";
import { typed } from "../../options/typed-option.js";

// The `service` command tree. Definitions only: each action's code is imported when it runs, so
// `flotilla service ls` never loads what `create` or `monitor` needs.

export function registerServiceCommands(program: Command, runner: ActionRunner, lazyFlags = false): void {
  const service = program
    .command("service")
    .description("Manage swarm services (Kontena's service commands)");
  const lazy = runner.lazy.bind(runner);
  // create and update take ~80 flags each, most of what building this tree costs. With lazyFlags
  // (a run of one command line) they are added only when commander dispatches to that command
  // (its help included); whoever reads the whole tree (completion) gets them at once.
  const deferred = new Map<Command, () => void>();
  const flags = (command: Command, add: (command: Command) => Command): Command => {
    if (lazyFlags) deferred.set(command, () => add(command));
    else add(command);
    return command;
  };
  service.hook("preSubcommand", (_service, subcommand) => {
    deferred.get(subcommand)?.();
    deferred.delete(subcommand);
  });

  service
    .command("ls")
    .alias("list")
    .description("List services, registered-but-not-deployed ones included")
    .option("-q, --quiet", "only print IDs")
    .option("--format <format>", "table, json, or a Go template such as '{{.Name}} {{.Replicas}}'")
    .option("-f, --filter <KEY=VALUE>", "filter by name, id, label or mode (repeatable)", collect)
    .action(lazy(() => import("./ls.js")));

  service
    .command("ps <service...>")
    .description("List the tasks of one or more services")
    .option("-q, --quiet", "only print task IDs")
    .option("--format <format>", "table, json, or a Go template")
    .option(
      "-a, --all",
      "include every task the engine keeps (default: what each instance runs now, and its last failure)",
    )
    .option("--no-trunc", "do not truncate IDs and errors")
    .action(lazy(() => import("./ps.js")));

  service
    .command("inspect <service...>")
    .description("Print the engine's JSON for services")
    .option("--format <format>", "a Go template over each service")
    .action(lazy(() => import("./inspect.js")));

  service
    .command("show <service>")
    .description("Show a service as a person reads it: spec, deploy options and each instance")
    .action(lazy(() => import("./show.js")));

  flags(
    service
      .command("create")
      .addArgument(typed(new Argument("<name>"), "nonEmpty"))
      .addArgument(typed(new Argument("<image>"), "nonEmpty"))
      .description("Register a service without starting it (start it with deploy, or pass --deploy)")
      .option("--deploy", "deploy it right away and wait"),
    (command) => addWaitFlags(addServiceFlags(command, "create")),
  ).action(lazy(() => import("./create.js")));

  addWaitFlags(
    service
      .command("deploy <service>")
      .description("Start a registered service, or apply pending changes, and wait")
      .option("--force-deploy", "replace every instance even if nothing changed"),
  ).action(lazy(() => import("./deploy.js")));

  flags(
    service
      .command("update <service>")
      .description("Change a service's definition")
      .option("--force", "replace every instance even if nothing changed"),
    (command) => addWaitFlags(addServiceFlags(command, "update")),
  ).action(lazy(() => import("./update.js")));

  addWaitFlags(
    service
      .command("scale <service>")
      .addArgument(typed(new Argument("<instances>"), "count"))
      .description("Set the number of instances and wait"),
  ).action(lazy(() => import("./scale.js")));

  addWaitFlags(
    service.command("stop <service>").description("Stop every instance; start brings them back"),
  ).action(lazy(() => import("./stop.js")));
  addWaitFlags(service.command("start <service>").description("Start a stopped service as it was")).action(
    lazy(() => import("./start.js")),
  );
  addWaitFlags(service.command("restart <service>").description("Restart every instance")).action(
    lazy(() => import("./restart.js")),
  );
  addWaitFlags(
    service.command("rollback <service>").description("Go back to the definition before the last update"),
  ).action(lazy(() => import("./rollback.js")));

  service
    .command("remove <service...>")
    .alias("rm")
    .description("Remove services")
    .action(lazy(() => import("./remove.js")));

  service
    .command("logs <service>")
    .description("Show the output of a service's instances")
    .option("-t, --tail", "keep following new output")
    .addOption(
      typed(new Option("--lines <n>", "lines to show from the end of each instance").default("100"), "count"),
    )
    .option("--since <time>", "only output since a time (RFC 3339, Unix seconds, or a duration such as 10m)")
    .addOption(typed(new Option("-i, --instance <slot>", "only this instance (task slot)"), "count"))
    .option("--timestamps", "print each line's timestamp")
    .action(lazy(() => import("./logs.js")));

  service
    .command("events <service>")
    .description("Show a service's events and its tasks' state changes")
    .option("-t, --tail", "keep following new events")
    .addOption(typed(new Option("--lines <n>", "events to show").default("100"), "count"))
    .option("--since <time>", "only events since a time (default: the last hour)")
    .action(lazy(() => import("./events.js")));

  service
    .command("stats <service>")
    .description("CPU, memory and network use of each instance")
    .option("-t, --tail", "keep refreshing")
    .addOption(
      typed(
        new Option("--interval <seconds>", "seconds between refreshes with --tail").default("2"),
        "interval",
      ),
    )
    .option(
      "--format <format>",
      "table, json, or a Go template over Instance, Node, CPU, Memory, MemPerc, NetIO, Note",
    )
    .action(lazy(() => import("./stats.js")));

  service
    .command("monitor <service>")
    .description("A full-screen view of the nodes and the instances on each")
    .addOption(typed(new Option("--interval <seconds>", "seconds between redraws").default("2"), "interval"))
    .action(lazy(() => import("./monitor.js")));

  const env = service.command("env").description("A service's environment variables");
  env
    .command("list <service>")
    .alias("ls")
    .description("List variables")
    .action(lazy(() => import("./env-list.js")));
  addWaitFlags(
    env
      .command("add <service>")
      .addArgument(typed(new Argument("<KEY=VALUE...>"), "env"))
      .description("Add or change variables"),
  ).action(lazy(() => import("./env-add.js")));
  addWaitFlags(env.command("remove <service> <KEY...>").alias("rm").description("Remove variables")).action(
    lazy(() => import("./env-remove.js")),
  );

  const secret = service.command("secret").description("Swarm secrets given to a service");
  addWaitFlags(
    secret
      .command("link <service>")
      .addArgument(typed(new Argument("<SECRET[:FILE]>"), "secret"))
      .description("Give the service an existing secret"),
  ).action(lazy(() => import("./secret-link.js")));
  addWaitFlags(
    secret.command("unlink <service> <SECRET>").description("Take a secret away from the service"),
  ).action(lazy(() => import("./secret-unlink.js")));

  addWaitFlags(
    service
      .command("link <service> <target[:alias]>")
      .description("Let a service reach another by name or alias"),
  ).action(lazy(() => import("./link.js")));
  addWaitFlags(service.command("unlink <service> <target>").description("Undo a link")).action(
    lazy(() => import("./unlink.js")),
  );
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
