import { Command, Option } from "commander";
import { registerCompletionCommands } from "./commands/completion/register.js";
import { registerContextCommands } from "./commands/context/register.js";
import { registerDemoCommand } from "./commands/demo/register.js";
import { registerNetworkCommands } from "./commands/network/register.js";
import { registerNodeCommands } from "./commands/node/register.js";
import { registerSandboxCommands } from "./commands/sandbox/register.js";
import { registerServiceCommands } from "./commands/service/register.js";
import { registerStoredCommands } from "./commands/stored/register.js";
import { registerSwarmCommands } from "./commands/swarm/register.js";
import { registerTaskCommands } from "./commands/task/register.js";
import { CommandContext } from "./context.js";
import type { GlobalOptions } from "./engine/global-options.js";
import type { CliIo } from "./io.js";
import { VERSION } from "./version.js";

/** Loads a command's implementation on first use, so start-up parses only what the command needs. */
export type CommandModule = {
  run: (context: CommandContext, operands: string[], options: never) => Promise<void>;
};

/** The exports of a command module that are actions. */
export type ActionNames<M> = { [K in keyof M]: M[K] extends CommandModule["run"] ? K : never }[keyof M];

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

  /** Like lazy(), for a module that exports several actions: runs the one called `name`. */
  action<M>(load: () => Promise<M>, name: ActionNames<M>) {
    return this.lazy(() => load().then((m) => ({ run: m[name] as CommandModule["run"] })));
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
  registerSwarmCommands(program, runner);
  registerNodeCommands(program, runner);
  registerTaskCommands(program, runner);
  registerStoredCommands(program, runner, "secret");
  registerStoredCommands(program, runner, "config");
  registerNetworkCommands(program, runner);
  registerContextCommands(program, runner);
  registerSandboxCommands(program, runner);
  registerDemoCommand(program, runner);
  registerCompletionCommands(program, runner);
  return program;
}
