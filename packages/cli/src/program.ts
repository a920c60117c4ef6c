import { Command, Option } from "commander";
import { registerServiceCommands } from "./commands/service/register.js";
import { CommandContext } from "./context.js";
import type { GlobalOptions } from "./engine/global-options.js";
import type { CliIo } from "./io.js";
import { VERSION } from "./version.js";

/** Loads a command's implementation on first use, so start-up parses only what the command needs. */
export type CommandModule = {
  run: (context: CommandContext, operands: string[], options: never) => Promise<void>;
};

/** Opens contexts for actions and remembers them, so the runner can close what they opened. */
export class ActionRunner {
  readonly #io: CliIo;
  readonly contexts: CommandContext[] = [];

  constructor(io: CliIo) {
    this.#io = io;
  }

  /** An action handler for commander that loads `load()` and runs it with a fresh context. */
  lazy(load: () => Promise<CommandModule>) {
    return async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const operands = args.slice(0, -2).flat() as string[];
      const context = new CommandContext(this.#io, command.optsWithGlobals<GlobalOptions>());
      this.contexts.push(context);
      const module = await load();
      await module.run(context, operands, command.opts() as never);
    };
  }
}

/** The `flotilla` command tree with its global options. */
export function createProgram(io: CliIo, runner = new ActionRunner(io)): Command {
  const program = new Command("flotilla")
    .description("Drive Docker Swarm from the command line.")
    .version(VERSION, "--version", "print the flotilla version")
    .addOption(
      new Option(
        "-H, --host <host>",
        "engine to talk to (unix://, tcp://, ssh://); default from DOCKER_HOST",
      ),
    )
    .addOption(new Option("--context <name>", "docker context to use (alias --grid)"))
    .addOption(new Option("--grid <name>", "Kontena's word for --context").hideHelp())
    .option("--tls", "use TLS (implied by --tlsverify)")
    .option("--tlsverify", "use TLS and verify the engine's certificate")
    .option("--tlscacert <path>", "trust certificates signed by this CA")
    .option("--tlscert <path>", "client certificate")
    .option("--tlskey <path>", "client key")
    .option("--api-version <version>", "pin the Engine API version instead of negotiating it")
    .option("--debug", "log every request to stderr (credentials redacted) and print stack traces")
    .option("--no-color", "never colour output")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`flotilla: ${text.replace(/^error: /, "")}`),
    });
  registerServiceCommands(program, runner);
  return program;
}
