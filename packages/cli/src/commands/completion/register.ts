import { Argument, type Command, Option } from "commander";
import type { ActionRunner } from "../../action-runner.js";
import type { CliIo } from "../../io.js";

// `flotilla completion bash|zsh|fish` prints a script that asks `flotilla __complete WORDS...` for
// candidates, so every shell completes from the same command tree, and names from the engine.

/** Builds the whole command tree, whatever part of it this run registered. */
export type WholeProgram = (io: CliIo) => Command;

export function registerCompletionCommands(
  program: Command,
  runner: ActionRunner,
  whole: WholeProgram,
): void {
  const actions = () => import("./actions.js");
  program
    .command("completion")
    .description('Print a shell completion script: eval "$(flotilla completion bash)"')
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .action(runner.action(actions, "script"));
  program
    .command("__complete", { hidden: true })
    .description("Candidates for the word being completed, one per line")
    .argument("[words...]")
    .addOption(new Option("--shell <shell>").hideHelp())
    .allowUnknownOption()
    .action(
      runner.lazy(() =>
        actions().then((m) => ({
          run: (context, words: string[]) => m.complete(context, words, whole(context.io)),
        })),
      ),
    );
}
