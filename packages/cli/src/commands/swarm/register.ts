import { type Command, Option } from "commander";
import type { ActionNames, ActionRunner } from "../../action-runner.js";
import { collect } from "../../options/collect.js";

// `flotilla swarm`: the docker CLI's swarm commands, plus `inspect`. Definitions only; the code
// of each action is loaded when it runs.

type Actions = typeof import("./actions.js");

export function registerSwarmCommands(program: Command, runner: ActionRunner): void {
  const action = (name: ActionNames<Actions>) => runner.action(() => import("./actions.js"), name);
  const swarm = program.command("swarm").description("Create, join, change and leave a swarm");

  addSpecFlags(
    swarm
      .command("init")
      .description("Make this engine the first manager of a new swarm")
      .option("--advertise-addr <addr>", "address other nodes reach this one at (ADDR[:PORT] or interface)")
      .addOption(
        new Option("--listen-addr <addr>", "address to listen on for swarm traffic").default("0.0.0.0:2377"),
      )
      .option("--data-path-addr <addr>", "address for data traffic (overlay networks)")
      .option("--data-path-port <port>", "UDP port for data traffic (default 4789)")
      .option("--default-addr-pool <cidr>", "address pool for overlay networks (repeatable)", collect)
      .option("--default-addr-pool-mask-length <n>", "subnet size taken from the pools (default 24)")
      .option("--force-new-cluster", "start a new swarm from this manager's state"),
  ).action(action("init"));

  swarm
    .command("join <host:port>")
    .description("Join a swarm as a worker or manager, as the token says")
    .requiredOption("--token <token>", "the join token (from `flotilla swarm join-token`)")
    .option("--advertise-addr <addr>", "address other nodes reach this one at")
    .addOption(
      new Option("--listen-addr <addr>", "address to listen on for swarm traffic").default("0.0.0.0:2377"),
    )
    .option("--data-path-addr <addr>", "address for data traffic")
    .action(action("join"));

  swarm
    .command("join-token <role>")
    .description("Print the command that joins a worker or manager (role: worker or manager)")
    .option("-q, --quiet", "only print the token")
    .option("--rotate", "replace the token first (the old one stops working)")
    .action(action("joinToken"));

  swarm
    .command("leave")
    .description("Leave the swarm")
    .option("-f, --force", "leave even as a manager (the last manager erases the swarm)")
    .action(action("leave"));

  swarm
    .command("inspect")
    .description("Print the swarm's JSON: spec, join tokens, CA, version")
    .option("--format <format>", "a Go template over the swarm")
    .action(action("inspect"));

  addSpecFlags(swarm.command("update").description("Change the swarm's settings")).action(action("update"));

  swarm
    .command("unlock")
    .description("Unlock a manager after a restart, with the key read from stdin")
    .action(action("unlock"));

  swarm
    .command("unlock-key")
    .description("Print the key that unlocks managers when autolock is on")
    .option("-q, --quiet", "only print the key")
    .option("--rotate", "replace the key first")
    .action(action("unlockKey"));
}

/** The swarm spec's settings, as `init` and `update` take them. */
function addSpecFlags(command: Command): Command {
  return command
    .option("--task-history-limit <n>", "finished tasks kept per slot")
    .option("--snapshot-interval <n>", "raft log entries between snapshots")
    .option("--max-snapshots <n>", "old raft snapshots kept")
    .option("--dispatcher-heartbeat <duration>", "how often nodes report to the managers (e.g. 5s)")
    .option("--cert-expiry <duration>", "how long node certificates last (e.g. 2160h)")
    .option("--autolock [bool]", "lock managers' keys at rest: they need the unlock key after a restart");
}
