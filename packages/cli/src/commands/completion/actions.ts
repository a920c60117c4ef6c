import type { Client } from "@flotilla/client";
import type { Command, Option } from "commander";
import { CommandContext } from "../../context.js";
import { ContextStore } from "../../contexts/context-store.js";
import type { GlobalOptions } from "../../engine/global-options.js";

// Completion: the shell scripts are thin; `__complete` walks the same commander tree that parses
// the command line, so options and commands never drift from what the program accepts. Names of
// services, nodes, secrets... come from the engine, with a short timeout and no error output: a
// shell prompt must never hang or print noise.

const ENGINE_TIMEOUT_MS = 2000;

export async function script(context: CommandContext, [shell]: string[]): Promise<void> {
  context.stdout.write(SCRIPTS[shell as keyof typeof SCRIPTS]);
}

/**
 * Prints the candidates for the word under the cursor, read off `root` (the whole command tree).
 * `words`: what follows `flotilla` on the line, the last one being the word under the cursor.
 */
export async function complete(context: CommandContext, words: string[], root: Command): Promise<void> {
  const candidates = await candidatesFor(context, words, root);
  if (candidates.length > 0) context.stdout.write(`${candidates.join("\n")}\n`);
}

export async function candidatesFor(
  context: CommandContext,
  words: readonly string[],
  root: Command,
): Promise<string[]> {
  const current = words.at(-1) ?? "";
  const before = words.slice(0, -1);
  const globals: GlobalOptions = {};
  let command: Command = root;
  let operands = 0;
  let pending: Option | undefined;
  for (const word of before) {
    if (pending) {
      if (pending.long === "--host") globals.host = word;
      if (pending.long === "--context") globals.context = word;
      pending = undefined;
      continue;
    }
    if (word.startsWith("-")) {
      const option = findOption(command, word.split("=", 1)[0]!);
      if (option && (option.required || option.optional) && !word.includes("=")) pending = option;
      continue;
    }
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub && operands === 0) command = sub;
    else operands++;
  }
  const matching = (list: Iterable<string>) => [...new Set(list)].filter((c) => c.startsWith(current)).sort();

  if (pending) return matching(await valuesFor(context, pending, globals));
  if (current.startsWith("-")) {
    const options = [...command.options, ...(command === root ? [] : root.options)].filter((o) => !o.hidden);
    return matching(options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined)));
  }
  const subcommands = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  if (subcommands.length > 0 && operands === 0) return matching(subcommands.map((c) => c.name()));
  const args = command.registeredArguments;
  const arg = args[Math.min(operands, args.length - 1)];
  if (!arg) return [];
  if (arg.argChoices) return matching(arg.argChoices);
  const kind = kindOf(command, arg.name());
  return kind ? matching(await namesOf(context, kind, globals)) : [];
}

function findOption(command: Command, flag: string): Option | undefined {
  for (let c: Command | null = command; c; c = c.parent) {
    const option = c.options.find((o) => o.long === flag || o.short === flag);
    if (option) return option;
  }
  return undefined;
}

type Kind = "service" | "node" | "task" | "secret" | "config" | "network" | "context";

/** What an operand names, from its name in the command's usage (`<service...>`, `<name>` under `secret`). */
function kindOf(command: Command, argName: string): Kind | undefined {
  if (["service", "node", "task", "network"].includes(argName)) return argName as Kind;
  const group = command.parent?.name();
  if (
    argName === "name" &&
    command.name() !== "create" &&
    ["secret", "config", "context"].includes(group ?? "")
  )
    return group as Kind;
  return undefined;
}

async function valuesFor(context: CommandContext, option: Option, globals: GlobalOptions): Promise<string[]> {
  if (option.argChoices) return option.argChoices;
  if (option.long === "--context" || option.long === "--grid") return namesOf(context, "context", globals);
  return [];
}

async function namesOf(context: CommandContext, kind: Kind, globals: GlobalOptions): Promise<string[]> {
  if (kind === "context") return new ContextStore(context.io.env).list().map((c) => c.name);
  const engine = new CommandContext(context.io, { ...context.globals, ...globals });
  try {
    const client = await engine.client();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string[]>((resolve) => {
      timer = setTimeout(() => resolve([]), ENGINE_TIMEOUT_MS);
    });
    const names = await Promise.race([fetchNames(client, kind), timeout]);
    clearTimeout(timer);
    return names;
  } catch {
    return [];
  } finally {
    await engine.close();
  }
}

async function fetchNames(client: Client, kind: Exclude<Kind, "context">): Promise<string[]> {
  switch (kind) {
    case "service":
      return (await client.services.list()).map((s) => s.name ?? s.id);
    case "node":
      return (await client.nodes.list()).map((n) => n.attrs.Description?.Hostname ?? n.id);
    case "task":
      return (await client.tasks.listAttrs()).map((t) => t.ID ?? "");
    case "secret":
      return (await client.secrets.list()).map((s) => s.name ?? s.id);
    case "config":
      return (await client.configs.list()).map((c) => c.name ?? c.id);
    case "network":
      return (await client.networks.list()).map((n) => n.Name ?? n.Id ?? "");
  }
}

// The scripts hand the words after `flotilla` to `flotilla __complete --` and offer its lines.
const SCRIPTS = {
  bash: `# flotilla completion for bash: eval "$(flotilla completion bash)", e.g. in ~/.bashrc
_flotilla_completions() {
  local IFS=$'\\n'
  COMPREPLY=($(flotilla __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _flotilla_completions flotilla
`,
  zsh: `#compdef flotilla
# flotilla completion for zsh: eval "$(flotilla completion zsh)", e.g. in ~/.zshrc (after compinit)
_flotilla() {
  local -a candidates
  candidates=("\${(@f)$(flotilla __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -- "\${candidates[@]}"
}
compdef _flotilla flotilla
`,
  fish: `# flotilla completion for fish: flotilla completion fish > ~/.config/fish/completions/flotilla.fish
function __flotilla_complete
    set -l words (commandline -opc) (commandline -ct)
    flotilla __complete -- $words[2..-1] 2>/dev/null
end
complete -c flotilla -f -a '(__flotilla_complete)'
`,
};
