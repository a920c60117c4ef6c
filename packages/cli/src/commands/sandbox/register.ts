import { type Command, Option } from "commander";
import type { ActionNames, ActionRunner } from "../../program.js";

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
