// The `KEY=VALUE` files of `env_file` and `--env-file`, read as the docker CLI reads them: a
// leading byte-order mark and leading blanks go, lines starting with `#` are comments, the value
// is everything after the first `=` (trailing blanks and quotes included), and a name alone takes
// its value from the environment, or is left out when the environment has none.

/** One line that is not a variable; `line` counts from 1. */
export class EnvFileProblem extends Error {}

export function parseEnvFile(content: string, lookup: (name: string) => string | undefined): string[] {
  const lines: string[] = [];
  const text = content.startsWith("\uFEFF") ? content.slice(1) : content;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#")) return;
    const at = line.indexOf("=");
    const key = at === -1 ? line : line.slice(0, at);
    if (key === "") throw new EnvFileProblem(`line ${i + 1}: no variable name`);
    if (/\s/.test(key)) throw new EnvFileProblem(`line ${i + 1}: variable "${key}" contains whitespace`);
    if (at !== -1) lines.push(line);
    else {
      const value = lookup(key);
      if (value !== undefined) lines.push(`${key}=${value}`);
    }
  });
  return lines;
}

/** The variables of an env file as a map; later lines win. */
export function envFileVariables(
  content: string,
  lookup: (name: string) => string | undefined,
): Record<string, string> {
  // No prototype: a line `__proto__=x` is a variable like any other.
  const out: Record<string, string> = Object.create(null);
  for (const line of parseEnvFile(content, lookup)) {
    const at = line.indexOf("=");
    out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}
