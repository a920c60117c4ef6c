#!/usr/bin/env node
import { CommanderError } from "commander";
import { createProgram } from "./program.js";

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 1 ? 2 : error.exitCode);
  process.stderr.write(`flotilla: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
