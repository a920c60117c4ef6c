import { Command, Option } from "commander";
import { ActionRunner } from "./action-runner.js";
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
import type { GlobalOptions } from "./engine/global-options.js";
import type { CliIo } from "./io.js";
import { typed } from "./options/typed-option.js";
import { VERSION } from "./version.js";

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
  // Completion walks the whole tree whatever the command line registered, so it is handed a way to
  // build one rather than importing this module back.
  ["completion", (program, runner) => registerCompletionCommands(program, runner, createProgram)],
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
