export type { CliIo, OutputStream } from "./io.js";
export { createProgram } from "./program.js";
export { runCli } from "./run-cli.js";
