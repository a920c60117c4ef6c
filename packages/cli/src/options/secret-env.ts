import type { ContainerSpec } from "@flotilla/types";
import { UsageError } from "../errors.js";
import { envSecretFile, envSecretName } from "./secrets.js";
import type { ServiceFlags } from "./service-flags.js";

// Kontena's `SECRET:NAME:env` on swarm, which hands secrets over only as files: the secret is
// mounted as /run/secrets/flotilla-env-NAME, and the container's entrypoint becomes a shell that
// reads each such file into its variable and then execs the real entrypoint and command:
//
//   Command: /bin/sh -c '<read files> exec "$@"' flotilla-secret-env ENTRYPOINT...   Args: CMD...
//
// The wrapper is rebuilt from the spec's secrets at every change, so `--cmd` still sets the
// command, and `--entrypoint` the entrypoint inside the wrapper. The trade-off, why it is opt-in
// (--secrets-in-env): a value in the environment is inherited by every child process, can be read
// through /proc by the same user and by `docker exec ... env`, and is often written out by crash
// reports and debug pages, where a file is read only by who opens it. It stays out of the service
// spec and `docker inspect` (unlike `-e`). The image needs /bin/sh; trailing newlines of the
// secret are dropped, as `$(cat ...)` does.

const WRAPPER_NAME = "flotilla-secret-env";

/** The image's own entrypoint and command, which a wrapper has to run itself. */
export interface ImageCommand {
  entrypoint: string[];
  cmd: string[];
}

export function usesEnvSecrets(flags: ServiceFlags): boolean {
  return [...(flags.secret ?? []), ...(flags.secretAdd ?? [])].some((s) => envSecretName(s) !== undefined);
}

/** Whether the image has to be asked for its entrypoint and command (`current`: the container now). */
export function needsImageCommand(flags: ServiceFlags, current: ContainerSpec | undefined): boolean {
  return (
    usesEnvSecrets(flags) &&
    !!flags.secretsInEnv &&
    flags.entrypoint === undefined &&
    current?.Command === undefined
  );
}

/** The entrypoint inside the wrapper, or the container's own when it is not wrapped. */
function innerEntrypoint(command: string[] | undefined): string[] | undefined {
  if (command?.[0] === "/bin/sh" && command[1] === "-c" && command[3] === WRAPPER_NAME)
    return command.slice(4);
  return command;
}

/**
 * Wraps (or unwraps) the container's entrypoint for the `:env` secrets it has. `image` is needed
 * the first time, when neither the entrypoint nor the command is set in the spec.
 */
export function applySecretEnv(
  container: ContainerSpec,
  flags: ServiceFlags,
  image: ImageCommand | "not-on-engine" | undefined,
): void {
  if (usesEnvSecrets(flags) && !flags.secretsInEnv)
    throw new UsageError(
      "--secret SECRET:NAME:env needs --secrets-in-env: swarm gives secrets as files, so a shell reads the file into NAME before the command starts, and the value is then in the process environment",
    );
  const names = (container.Secrets ?? []).map(envSecretName).filter((n): n is string => n !== undefined);
  const wrapped = innerEntrypoint(container.Command) !== container.Command;
  if (names.length === 0) {
    if (!wrapped) return;
    const inner = innerEntrypoint(container.Command)!;
    if (inner.length > 0) container.Command = inner;
    else delete container.Command;
    return;
  }
  // With no entrypoint in the spec the image's runs, and setting one drops the image's command:
  // the wrapper carries both.
  let entrypoint = innerEntrypoint(container.Command);
  if (entrypoint === undefined) {
    if (image === undefined || image === "not-on-engine")
      throw new UsageError(
        "--secret SECRET:NAME:env: the image is not on this engine, so its entrypoint and command cannot be read; give them with --entrypoint and --cmd",
      );
    entrypoint = image.entrypoint;
    container.Args ??= image.cmd;
  }
  const reads = names.map(
    (name) => `${name}="$(cat /run/secrets/${envSecretFile(name)})" && export ${name} && `,
  );
  container.Command = ["/bin/sh", "-c", `${reads.join("")}exec "$@"`, WRAPPER_NAME, ...entrypoint];
}
