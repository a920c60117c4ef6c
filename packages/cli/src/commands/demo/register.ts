import type { Command } from "commander";
import type { ActionNames, ActionRunner } from "../../action-runner.js";

type Actions = typeof import("./actions.js");

export function registerDemoCommand(program: Command, runner: ActionRunner): void {
  program
    .command("demo")
    .description("A guided tour on a simulated 3-node swarm in this process: no Docker needed")
    .option("--short", "only the first steps (the nodes, a deployment, the clean-up), in a second or two")
    .action(runner.action(() => import("./actions.js"), "tour" satisfies ActionNames<Actions>));
}
