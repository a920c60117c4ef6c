import type { Argument, Command } from "commander";
import { UnsupportedOptionError, UsageError } from "../errors.js";
import { affinityToConstraint } from "./affinity.js";
import { parseKeyValue } from "./key-values.js";
import { parseMount, parseVolume } from "./mounts.js";
import { parsePort } from "./ports.js";
import { REFUSED_OPTIONS } from "./refused.js";
import { parseSecret } from "./secrets.js";
import { kindOf, type ValueKind } from "./typed-option.js";
import {
  parseBytes,
  parseCount,
  parseDuration,
  parseInterval,
  parseNanoCpus,
  parseRatio,
  parseSeconds,
  splitCommand,
} from "./units.js";

// How each kind of option text is read (see typed-option.ts), and the reading of a whole command
// line's options and operands into those values. The action runner calls this before the action:
// nothing a command sends can come before a value it was given is known to be good.

type Env = Readonly<Record<string, string | undefined>>;
type Reader = (text: string, name: string, env: Env) => unknown;

function oneOf<T extends string>(allowed: readonly T[], why: (text: string, name: string) => string): Reader {
  return (text, name) => {
    if (!(allowed as readonly string[]).includes(text)) throw new UsageError(why(text, name));
    return text as T;
  };
}

const READERS = {
  seconds: (text, name) => parseSeconds(text, name),
  interval: (text, name) => parseInterval(text, name),
  count: (text, name) => parseCount(text, name),
  bytes: (text, name) => parseBytes(text, name),
  cpus: (text, name) => parseNanoCpus(text, name),
  duration: (text, name) => parseDuration(text, name),
  ratio: (text, name) => parseRatio(text, name),
  port: (text, name) => parsePort(text, name),
  /** A container port alone (1-65535). */
  portNumber: (text, name) => {
    const port = Number(text);
    if (!/^\d+$/.test(text) || port < 1 || port > 65535)
      throw new UsageError(`${name}: "${text}" is not a port number (1-65535)`);
    return port;
  },
  volume: (text) => parseVolume(text),
  mount: (text) => parseMount(text),
  secret: (text) => parseSecret(text),
  affinity: (text) => affinityToConstraint(text),
  words: (text, name) => splitCommand(text, name),
  /** `KEY=VALUE` as a pair. */
  pair: (text, name) => parseKeyValue(text, name),
  /** An environment variable, `KEY` alone taking the caller's value: `KEY=VALUE` out. */
  env: (text, name, env) => parseKeyValue(text, name, env).join("="),
  /** A name or reference that cannot be empty: the engine would take "" for "none given". */
  nonEmpty: (text, name) => {
    if (text.trim() === "") throw new UsageError(`${name}: must not be empty`);
    return text;
  },
  mode: oneOf(
    ["replicated", "global", "replicated-job", "global-job"],
    (text, name) => `${name}: "${text}" is not a mode; use replicated, global, replicated-job or global-job`,
  ),
  strategy: oneOf(
    ["ha", "random", "daemon"],
    (text, name) => `${name}: "${text}" is not a strategy; use ha, random or daemon`,
  ),
  restartCondition: oneOf(
    ["none", "on-failure", "any"],
    (text, name) => `${name}: "${text}" must be none, on-failure or any`,
  ),
  updateFailureAction: oneOf(
    ["pause", "continue", "rollback"],
    (text, name) => `${name}: "${text}" must be pause, continue, rollback`,
  ),
  rollbackFailureAction: oneOf(
    ["pause", "continue"],
    (text, name) => `${name}: "${text}" must be pause, continue`,
  ),
  order: oneOf(
    ["stop-first", "start-first"],
    (text, name) => `${name}: "${text}" must be stop-first or start-first`,
  ),
  placementPref: (text, name) => {
    const match = /^spread=(.+)$/.exec(text);
    if (!match) throw new UsageError(`${name}: "${text}" is not a preference; write spread=node.labels.KEY`);
    return { Spread: { SpreadDescriptor: match[1] } };
  },
  apiVersion: (text, name) => {
    if (!/^v?\d+\.\d+$/.test(text.trim()))
      throw new UsageError(`${name}: "${text}" is not an API version such as 1.41`);
    return text.trim().replace(/^v/, "");
  },
  /** An option swarm has no equivalent for: refused with why and what to use instead. */
  refused: (_text, name) => {
    const refused = REFUSED_OPTIONS.find((r) => r.flags.replace(/ <.*$/, "").split(", ").includes(name))!;
    throw new UnsupportedOptionError(name, refused.why, refused.instead);
  },
} satisfies Record<ValueKind, Reader>;

function read(kind: ValueKind, value: unknown, name: string, env: Env): unknown {
  const reader: Reader = READERS[kind];
  if (Array.isArray(value)) return value.map((item) => reader(String(item), name, env));
  return reader(String(value), name, env);
}

/** `command`'s options with every marked value read, its parents' (the global options) included. */
export function readOptions(
  command: Command,
  env: Env,
): { own: Record<string, unknown>; all: Record<string, unknown> } {
  const levels: Record<string, unknown>[] = [];
  for (let level: Command | null = command; level; level = level.parent) {
    const values: Record<string, unknown> = { ...level.opts() };
    for (const option of level.options) {
      const kind = kindOf(option);
      const key = option.attributeName();
      if (kind === undefined || values[key] === undefined) continue;
      values[key] = read(kind, values[key], option.long ?? option.short ?? key, env);
    }
    levels.push(values);
  }
  // As optsWithGlobals(): the nearest level wins.
  return { own: levels[0]!, all: Object.assign({}, ...levels.reverse()) };
}

/** The operands as the action receives them (variadic ones as arrays), marked ones read. */
export function readOperands(command: Command, operands: readonly unknown[], env: Env): unknown[] {
  return operands.map((value, index) => {
    const argument: Argument | undefined = command.registeredArguments[index];
    const kind = argument && kindOf(argument);
    if (!argument || kind === undefined || value === undefined) return value;
    return read(kind, value, `<${argument.name()}>`, env);
  });
}
