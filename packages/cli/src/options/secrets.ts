import type { ServiceSpec } from "@flotilla/types";
import { UsageError } from "../errors.js";

export type SecretReference = NonNullable<
  NonNullable<NonNullable<ServiceSpec["TaskTemplate"]>["ContainerSpec"]>["Secrets"]
>[number];

/**
 * `--secret SECRET[:FILE]` or `source=SECRET,target=FILE,mode=0400`. Kontena's `SECRET:NAME:env`
 * (the secret as the environment variable NAME) becomes a file that a shell reads into NAME before
 * the command starts (see secret-env.ts); it needs --secrets-in-env.
 */
export function parseSecret(text: string): SecretReference {
  if (text.includes("=")) {
    const fields = Object.fromEntries(text.split(",").map((f) => f.split("=", 2) as [string, string]));
    const source = fields.source ?? fields.src;
    if (!source) throw new UsageError(`--secret: "${text}" has no source=`);
    return reference(source, fields.target ?? source, fields.mode ? fileMode(fields.mode, text) : 0o444);
  }
  const [source, target, type, ...rest] = text.split(":");
  if (!source || rest.length > 0)
    throw new UsageError(`--secret: "${text}" is not a secret; write SECRET, SECRET:FILE or SECRET:NAME:env`);
  if (type === "env") {
    if (!target || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(target))
      throw new UsageError(`--secret: "${text}": "${target ?? ""}" is not an environment variable name`);
    return reference(source, envSecretFile(target), 0o400);
  }
  if (type !== undefined && type !== "file") {
    throw new UsageError(
      `--secret: "${text}": swarm delivers secrets as files under /run/secrets, not as ${type} variables; ` +
        `write ${source}:${target ?? source} and read /run/secrets/${target ?? source}`,
    );
  }
  return reference(source, target || source, 0o444);
}

/** `mode=0440`: octal permission bits, as `chmod` takes them. */
function fileMode(mode: string, text: string): number {
  if (!/^[0-7]{1,4}$/.test(mode))
    throw new UsageError(`--secret: "${text}": mode "${mode}" is not an octal file mode such as 0400`);
  return Number.parseInt(mode, 8);
}

const ENV_FILE_PREFIX = "flotilla-env-";

/** The file under /run/secrets that holds the secret given as variable `name`. */
export function envSecretFile(name: string): string {
  return `${ENV_FILE_PREFIX}${name}`;
}

/** The variable a secret reference is given as, if it is one of Kontena's `:env` secrets. */
export function envSecretName(secret: SecretReference): string | undefined {
  const file = secret.File?.Name ?? "";
  return file.startsWith(ENV_FILE_PREFIX) ? file.slice(ENV_FILE_PREFIX.length) : undefined;
}

function reference(name: string, file: string, mode: number): SecretReference {
  return { SecretName: name, File: { Name: file, UID: "0", GID: "0", Mode: mode } };
}
