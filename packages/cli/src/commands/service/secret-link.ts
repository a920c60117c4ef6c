import type { CommandContext } from "../../context.js";
import type { SecretReference } from "../../options/secrets.js";
import type { WaitFlags } from "../../progress/wait.js";
import { run as update } from "./update.js";

/** Gives the service an existing secret; a missing secret is an error, never created here. */
export function run(
  context: CommandContext,
  [name, secret]: [string, SecretReference],
  flags: WaitFlags,
): Promise<void> {
  return update(context, [name], { ...flags, secretAdd: [secret] });
}
