import { type Command, Option } from "commander";
import type { ActionNames, ActionRunner } from "../../action-runner.js";
import { typed } from "../../options/typed-option.js";

// `flotilla ui`: a live web view of the swarm flotilla talks to, served on 127.0.0.1 (src/ui/).

type Actions = typeof import("./actions.js");

export function registerUiCommand(program: Command, runner: ActionRunner): void {
  program
    .command("ui")
    .description("Serve a live web view of the swarm on this machine, until Ctrl-C")
    .addOption(
      typed(new Option("--port <n>", "port on 127.0.0.1 to listen on (default: a free one)"), "portNumber"),
    )
    .option("--open", "open the page in the default browser")
    .action(runner.action(() => import("./actions.js"), "serve" satisfies ActionNames<Actions>));
}
