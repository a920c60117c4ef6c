import { Argument, type Command, Option } from "commander";
import type { ActionNames, ActionRunner } from "../../program.js";

// `flotilla completion bash|zsh|fish` prints a script that asks `flotilla __complete WORDS...` for
// candidates, so every shell completes from the same command tree, and names from the engine.

type Actions = typeof import("./actions.js");

export function registerCompletionCommands(program: Command, runner: ActionRunner): void {
  const action = (name: ActionNames<Actions>) => runner.action(() => import("./actions.js"), name);
  program
    .command("completion")
    .description('Print a shell completion script: eval "$(flotilla completion bash)"')
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .action(action("script"));
  program
    .command("__complete", { hidden: true })
    .description("Candidates for the word being completed, one per line")
    .argument("[words...]")
    .addOption(new Option("--shell <shell>").hideHelp())
    .allowUnknownOption()
    .action(action("complete"));
}
