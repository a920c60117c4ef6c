import { type Command, Option } from "commander";
import type { ActionNames, ActionRunner } from "../../action-runner.js";
import { collect } from "../../options/collect.js";

// `flotilla network`: the networks services attach to (overlay by default).

type Actions = typeof import("./actions.js");

export function registerNetworkCommands(program: Command, runner: ActionRunner): void {
  const action = (name: ActionNames<Actions>) => runner.action(() => import("./actions.js"), name);
  const network = program.command("network").description("Manage networks");

  network
    .command("ls")
    .alias("list")
    .description("List networks")
    .option("-q, --quiet", "only print IDs")
    .option("--format <format>", "table, json, or a Go template such as '{{.Name}} {{.Driver}}'")
    .option("-f, --filter <KEY=VALUE>", "id, name, label, driver or scope (repeatable)", collect)
    .option("--no-trunc", "do not truncate IDs")
    .action(action("ls"));

  network
    .command("create <name>")
    .description("Create a network (overlay unless --driver says otherwise)")
    .addOption(new Option("-d, --driver <driver>", "network driver").default("overlay"))
    .option("--attachable", "let standalone containers attach too")
    .option("--internal", "no access to the outside")
    .option("--subnet <cidr>", "subnet (repeatable, one IPAM pool each)", collect)
    .option("--gateway <ip>", "gateway of each subnet, in the same order (repeatable)", collect)
    .option("--ip-range <cidr>", "addresses to hand out from each subnet (repeatable)", collect)
    .option("-l, --label <KEY=VALUE>", "a label (repeatable)", collect)
    .option("-o, --opt <KEY=VALUE>", "a driver option (repeatable)", collect)
    .option("--ipv6", "enable IPv6")
    .action(action("create"));

  network
    .command("inspect <network...>")
    .description("Print networks' JSON")
    .option("--format <format>", "a Go template over each network")
    .action(action("inspect"));

  network.command("rm <network...>").alias("remove").description("Remove networks").action(action("rm"));
}
