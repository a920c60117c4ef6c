import { readFileSync } from "node:fs";
import { homedir } from "node:os";

/**
 * What endpoint resolution and the SSH adapter read from the machine, passed in so tests hand
 * over a temporary home and environment instead of mocking modules.
 */
export interface Environment {
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  platform: NodeJS.Platform;
  /** A file's bytes, or undefined when it does not exist. */
  readFile(path: string): Buffer | undefined;
}

export function readFileIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The real machine, with any part replaced. */
export function environment(overrides: Partial<Environment> = {}): Environment {
  return {
    env: overrides.env ?? process.env,
    homedir: overrides.homedir ?? overrides.env?.HOME ?? homedir(),
    platform: overrides.platform ?? process.platform,
    readFile: overrides.readFile ?? readFileIfExists,
  };
}

/** `~/x` to `<home>/x`, as ssh and docker expand it. */
export function expandHome(path: string, home: string): string {
  return path === "~" ? home : path.startsWith("~/") ? `${home}${path.slice(1)}` : path;
}
