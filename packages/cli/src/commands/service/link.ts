import type { CommandContext } from "../../context.js";
import type { WaitFlags } from "../../progress/wait.js";
import { run as update } from "./update.js";

/** `link web db:database`: web joins db's link network and reaches it as `db` and `database`. */
export function run(context: CommandContext, [name, target]: string[], flags: WaitFlags): Promise<void> {
  return update(context, [name!], { ...flags, link: [target!] });
}
