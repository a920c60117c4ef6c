import type { Command } from "commander";
import { CommandContext, type RunCommandLine } from "./context.js";
import type { GlobalOptions } from "./engine/global-options.js";
import type { CliIo } from "./io.js";

// How a registered command runs: its module is loaded on first use, its options are read by
// kind before anything is sent, and the contexts it opens are remembered for the runner to close.
// Apart from program.ts, so that command groups register against it without importing the
// program that registers them.

/** Loads a command's implementation on first use, so start-up parses only what the command needs. */
export type CommandModule = {
  /** Operands and options come read by their kinds (options/typed-option.ts), so each module types its own. */
  run: (context: CommandContext, operands: never, options: never) => Promise<void>;
};

/** The exports of a command module that are actions. */
export type ActionNames<M> = { [K in keyof M]: M[K] extends CommandModule["run"] ? K : never }[keyof M];

/** Opens contexts for actions and remembers them, so the runner can close what they opened. */
export class ActionRunner {
  readonly #io: CliIo;
  readonly #runCommandLine: RunCommandLine | undefined;
  readonly contexts: CommandContext[] = [];

  /** `runCommandLine`: how an action may run further command lines (run-cli.ts gives itself). */
  constructor(io: CliIo, runCommandLine?: RunCommandLine) {
    this.#io = io;
    this.#runCommandLine = runCommandLine;
  }

  /**
   * An action handler for commander that loads `load()` and runs it with a fresh context. Every
   * marked option and operand (options/typed-option.ts) is read first: a bad value is refused
   * before the action can send anything.
   */
  lazy(load: () => Promise<CommandModule>) {
    return async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const [{ readOperands, readOptions }, module] = await Promise.all([
        import("./options/option-values.js"),
        load(),
      ]);
      const options = readOptions(command, this.#io.env);
      const operands = readOperands(command, args.slice(0, -2), this.#io.env).flat();
      this.#io.onCommand?.();
      const context = new CommandContext(this.#io, options.all as GlobalOptions, this.#runCommandLine);
      this.contexts.push(context);
      await module.run(context, operands as never, options.own as never);
    };
  }

  /** Like lazy(), for a module that exports several actions: runs the one called `name`. */
  action<M>(load: () => Promise<M>, name: ActionNames<M>) {
    return this.lazy(() => load().then((m) => ({ run: m[name] as CommandModule["run"] })));
  }
}
