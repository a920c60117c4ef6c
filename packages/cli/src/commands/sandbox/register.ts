import { type Command, Option } from "commander";
import type { ActionNames, ActionRunner } from "../../action-runner.js";

// `flotilla sandbox`: the fake swarm (@flotilla/testing) served on a local socket as an engine,
// registered as the `sandbox` context. Its code, and the fake's, load only when it runs.

type Actions = typeof import("./actions.js");

export function registerSandboxCommands(program: Command, runner: ActionRunner): void {
  const action = (name: ActionNames<Actions>) => runner.action(() => import("./actions.js"), name);
  const sandbox = program
    .command("sandbox")
    .description("Run a simulated swarm on this machine, for trying flotilla or the docker CLI");

  sandbox
    .command("start", { isDefault: true })
    .description("Start the sandbox in the background and register the `sandbox` context")
    .addOption(new Option("--nodes <n>", "simulated nodes").default("3"))
    .addOption(new Option("--managers <n>", "how many of them are managers").default("1"))
    .option("--state <file>", "keep the swarm's state in this file, so it survives a restart")
    .option("--socket <path>", "where to listen (default: in the sandbox directory)")
    .option("--foreground", "run in this terminal until Ctrl-C instead of in the background")
    // The swarm is made as `docker swarm init` makes one, with its flags and defaults.
    .option("--advertise-addr <addr[:port]>", "the first node's address (default: its machine's, 10.10.0.1)")
    .option("--listen-addr <addr[:port]>", "the swarm's listen address (default 0.0.0.0:2377)")
    .option("--data-path-addr <addr>", "the address for data path traffic")
    .option("--data-path-port <port>", "the data path port (default 4789)")
    .option(
      "--default-addr-pool <cidr>",
      "an address pool for swarm networks, repeatable (default: none reported, 10.0.0.0/8 used)",
      (pool: string, pools: string[] = []) => [...pools, pool],
    )
    .option("--default-addr-pool-mask-length <n>", "the subnet size networks get from the pools (default 24)")
    .action(action("start"));

  sandbox
    .command("stop")
    .description("Stop the background sandbox (saving its state) and remove the `sandbox` context")
    .action(action("stop"));

  sandbox
    .command("status")
    .description("Say whether a sandbox is running, and where")
    .action(action("status"));
}
