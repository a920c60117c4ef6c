import type { CommandContext } from "../../context.js";
import type { WaitFlags } from "../../progress/wait.js";
import { run as update } from "./update.js";

/** `env add web A=1 B=2`: the same as `update web --env-add A=1 --env-add B=2`. */
export function run(context: CommandContext, [name, ...pairs]: string[], flags: WaitFlags): Promise<void> {
  return update(context, [name!], { ...flags, envAdd: pairs });
}
