import { readFileSync } from "node:fs";
import { Command } from "commander";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/** The `flotilla` command tree; commands are added per group as they land. */
export function createProgram(): Command {
  return new Command("flotilla")
    .description("Drive Docker Swarm from the command line.")
    .version(version, "-v, --version", "print the flotilla version")
    .showHelpAfterError()
    .exitOverride();
}
