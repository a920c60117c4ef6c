import type { Command } from "commander";
import type { ActionNames, ActionRunner } from "../../program.js";

type Actions = typeof import("./actions.js");

export function registerDemoCommand(program: Command, runner: ActionRunner): void {
  program
    .command("demo")
    .description("A guided tour on a simulated 3-node swarm in this process: no Docker needed")
    .action(runner.action(() => import("./actions.js"), "tour" satisfies ActionNames<Actions>));
}
