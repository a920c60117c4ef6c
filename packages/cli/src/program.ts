import { Command, Option } from "commander";
import { registerCompletionCommands } from "./commands/completion/register.js";
import { registerContextCommands } from "./commands/context/register.js";
import { registerDemoCommand } from "./commands/demo/register.js";
import { registerNetworkCommands } from "./commands/network/register.js";
import { registerNodeCommands } from "./commands/node/register.js";
import { registerSandboxCommands } from "./commands/sandbox/register.js";
import { registerServiceCommands } from "./commands/service/register.js";
import { registerStackCommands } from "./commands/stack/register.js";
import { registerStoredCommands } from "./commands/stored/register.js";
import { registerSwarmCommands } from "./commands/swarm/register.js";
import { registerTaskCommands } from "./commands/task/register.js";
import { registerUiCommand } from "./commands/ui/register.js";
import { CommandContext } from "./context.js";
import type { GlobalOptions } from "./engine/global-options.js";
import type { CliIo } from "./io.js";
import { typed } from "./options/typed-option.js";
import { VERSION } from "./version.js";

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
  readonly contexts: CommandContext[] = [];

  constructor(io: CliIo) {
    this.#io = io;
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
      const context = new CommandContext(this.#io, options.all as GlobalOptions);
      this.contexts.push(context);
      await module.run(context, operands as never, options.own as never);
    };
  }

  /** Like lazy(), for a module that exports several actions: runs the one called `name`. */
  action<M>(load: () => Promise<M>, name: ActionNames<M>) {
    return this.lazy(() => load().then((m) => ({ run: m[name] as CommandModule["run"] })));
  }
}

/** Adds a group's commands; `lazy`: only what the command line runs needs to be complete. */
type Register = (program: Command, runner: ActionRunner, lazy: boolean) => void;

/** Each top-level command group by the name it is run with. */
const GROUPS: ReadonlyMap<string, Register> = new Map<string, Register>([
  ["service", registerServiceCommands],
  ["swarm", registerSwarmCommands],
  ["node", registerNodeCommands],
  ["task", registerTaskCommands],
  ["secret", (program, runner) => registerStoredCommands(program, runner, "secret")],
  ["config", (program, runner) => registerStoredCommands(program, runner, "config")],
  ["network", registerNetworkCommands],
  ["stack", registerStackCommands],
  ["context", registerContextCommands],
  ["sandbox", registerSandboxCommands],
  ["demo", registerDemoCommand],
  ["ui", registerUiCommand],
  ["completion", registerCompletionCommands],
]);

/**
 * The command group a command line runs: its first word that is neither an option nor the value
 * of one of `options` (the program's global options), if any.
 */
export function groupOf(argv: readonly string[], options: readonly Option[]): string | undefined {
  const takesValue = new Set(
    options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long].filter(Boolean)),
  );
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") return undefined;
    if (takesValue.has(word)) i++;
    else if (!word.startsWith("-")) return word;
  }
  return undefined;
}

/**
 * The `flotilla` command tree with its global options. Given the command line, only the group it
 * runs is registered (a few ms of every start-up); help, version, unknown commands and anything
 * else get the whole tree, so their output and suggestions are the same.
 */
export function createProgram(io: CliIo, runner = new ActionRunner(io), argv?: readonly string[]): Command {
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
    .option(
      "--allow-plain-tcp",
      "allow a tcp:// engine without TLS (unencrypted, unauthenticated; or FLOTILLA_ALLOW_PLAIN_TCP=1)",
    )
    .addOption(
      typed(
        new Option("--api-version <version>", "pin the Engine API version instead of negotiating it"),
        "apiVersion",
      ),
    )
    .option("--debug", "log every request to stderr (credentials redacted) and print stack traces")
    .option("--no-color", "never colour output")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`flotilla: ${text.replace(/^error: /, "")}`),
    });
  const only = argv && GROUPS.get(groupOf(argv, program.options) ?? "");
  // `help COMMAND` prints a command without dispatching to it, so it needs that command complete.
  if (only) only(program, runner, !argv.includes("help"));
  else for (const register of GROUPS.values()) register(program, runner, false);
  return program;
}
