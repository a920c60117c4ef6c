import type { ServiceSpec } from "@flotilla/types";
import { UsageError } from "../errors.js";

export type SecretReference = NonNullable<
  NonNullable<NonNullable<ServiceSpec["TaskTemplate"]>["ContainerSpec"]>["Secrets"]
>[number];

/**
 * `--secret SECRET[:FILE]` or `source=SECRET,target=FILE,mode=0400`. Kontena's third field `env`
 * (the secret as an environment variable) is refused: swarm hands secrets over only as files.
 */
export function parseSecret(text: string): SecretReference {
  if (text.includes("=")) {
    const fields = Object.fromEntries(text.split(",").map((f) => f.split("=", 2) as [string, string]));
    const source = fields.source ?? fields.src;
    if (!source) throw new UsageError(`--secret: "${text}" has no source=`);
    return reference(source, fields.target ?? source, fields.mode ? Number.parseInt(fields.mode, 8) : 0o444);
  }
  const [source, target, type, ...rest] = text.split(":");
  if (!source || rest.length > 0)
    throw new UsageError(`--secret: "${text}" is not a secret; write SECRET or SECRET:FILE`);
  if (type !== undefined && type !== "file") {
    throw new UsageError(
      `--secret: "${text}": swarm delivers secrets as files under /run/secrets, not as ${type} variables; ` +
        `write ${source}:${target ?? source} and read /run/secrets/${target ?? source}`,
    );
  }
  return reference(source, target || source, 0o444);
}

function reference(name: string, file: string, mode: number): SecretReference {
  return { SecretName: name, File: { Name: file, UID: "0", GID: "0", Mode: mode } };
}
