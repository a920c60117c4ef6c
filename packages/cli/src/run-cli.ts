import { CommanderError } from "commander";
import { ActionRunner } from "./action-runner.js";
import { describeError, EXIT_USAGE, exitCodeFor, InterruptedError, rawMessage } from "./errors.js";
import type { CliIo } from "./io.js";
import { createProgram } from "./program.js";

const CLEAN_EXITS = new Set(["commander.helpDisplayed", "commander.version"]);

/**
 * Runs one command line and returns the exit code; never throws. Errors become one line on
 * stderr (with the stack under --debug): 1 failure, 2 usage, 3 not converged; 130 or 143, with no
 * line, when the run's signal was aborted with an InterruptedError (Ctrl-C, SIGTERM).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const runner = new ActionRunner(io, runCli);
  const program = createProgram(io, runner, argv);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return CLEAN_EXITS.has(error.code) ? 0 : EXIT_USAGE;
    // Stopped by the user: what failed is only what the signal cut short; the shell shows ^C.
    const stopped = io.signal?.aborted ? io.signal.reason : undefined;
    if (stopped instanceof InterruptedError) return stopped.exitCode;
    const said = describeError(error);
    io.stderr.write(`flotilla: ${said}\n`);
    if (argv.includes("--debug")) {
      // A reworded error keeps what it rewords as its cause.
      const raw = rawMessage(error instanceof Error && error.cause !== undefined ? error.cause : error);
      if (raw !== said) io.stderr.write(`flotilla: as reported: ${raw}\n`);
      if (error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    }
    return exitCodeFor(error);
  } finally {
    for (const context of runner.contexts) await context.close();
  }
}
