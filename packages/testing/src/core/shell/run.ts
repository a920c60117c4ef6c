import { APPLETS, type Io, ON_IMAGE, type Shell } from "./applets.js";
import { ArithmeticError, evaluate } from "./arithmetic.js";
import {
  type AndOr,
  type Command,
  type List,
  parse,
  type Redirect,
  ShellSyntaxError,
  type Word,
} from "./parse.js";

// Runs a container's command the way busybox would, without running anything: a pure function of
// the argv, the environment and the mounted files, which says what is printed when (milliseconds
// after start) and when the process exits with which code. Time passes only in `sleep`; a program
// that loops forever is run as far as `horizon` and can be run again further on.

export interface PrintedLine {
  /** Milliseconds after the container started. */
  at: number;
  stream: 1 | 2;
  text: string;
}

export interface Trace {
  lines: PrintedLine[];
  exit?: { code: number; at: number };
  /** The trace is complete up to this time; Infinity when the program's whole future is known. */
  until: number;
}

export interface ProcessContext {
  env: Record<string, string>;
  /** Files the container can read: mounted secrets and configs, by absolute path. */
  files: Record<string, string>;
  /** When the process started, in Unix milliseconds; without it `date` cannot tell the time. */
  startedAt?: number;
}

/** Executables found on the busybox image's PATH: what argv[0] may name. */
const BIN_DIRS = ["/bin", "/usr/bin", "/sbin", "/usr/sbin"];

/** dockerd's text when argv[0] names nothing executable (checked against Docker 20.10 with runc). */
export function startProblem(argv: readonly string[]): string | undefined {
  const name = argv[0] ?? "";
  if (executable(name)) return undefined;
  const reason = name.includes("/")
    ? `exec: "${name}": stat ${name}: no such file or directory`
    : `exec: "${name}": executable file not found in $PATH`;
  return `starting container failed: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${reason}: unknown`;
}

function executable(name: string): string | undefined {
  const slash = name.lastIndexOf("/");
  const base = slash < 0 ? name : name.slice(slash + 1);
  if (slash >= 0 && !BIN_DIRS.includes(name.slice(0, slash))) return undefined;
  return ON_IMAGE.has(base) ? base : undefined;
}

/** Whether a container of an image the fake knows nothing about should be run from this argv. */
export const runsAsBusybox = (argv: readonly string[]) => {
  const name = executable(argv[0] ?? "");
  return name !== undefined && Object.hasOwn(APPLETS, name) && APPLETS[name]!.executable === true;
};

class Stop {
  constructor(
    readonly reason: "exit" | "horizon" | "forever",
    readonly code = 0,
  ) {}
}

/** A command that keeps running without sleeping this long is spinning: its output stops there. */
const SPIN_LIMIT = 10_000;

export function runArgv(argv: readonly string[], context: ProcessContext, horizon: number): Trace {
  const machine = new Machine(context, horizon);
  // busybox names itself in its messages as it was invoked: `sh: x: not found`, `/bin/sh: x: ...`.
  machine.invokedAs = argv[0] ?? "sh";
  const name = executable(argv[0] ?? "");
  try {
    if (!name) throw new Stop("exit", 127);
    const code = machine.exec(name, argv.slice(1), { 1: { stream: 1 }, 2: { stream: 2 } });
    throw new Stop("exit", code);
  } catch (stop) {
    if (!(stop instanceof Stop)) throw stop;
    return machine.finish(stop);
  }
}

class Machine implements Shell {
  t = 0;
  status = 0;
  steps = 0;
  #sinceSleep = 0;
  readonly vars: Map<string, string>;
  readonly files: Map<string, string>;
  readonly lines: PrintedLine[] = [];
  readonly #partial: Record<1 | 2, string> = { 1: "", 2: "" };
  positional: string[] = [];
  scriptName = "sh";
  invokedAs = "sh";
  errexit = false;
  /** Names passed on to the environment of commands (`export`, and all that came in). */
  readonly exported: Set<string>;
  /** Whether a shell has taken over the environment: it then lists variables in its own order. */
  inShell = false;
  readonly #startedAt: number | undefined;

  constructor(
    context: ProcessContext,
    readonly horizon: number,
  ) {
    this.vars = new Map(Object.entries(context.env));
    this.exported = new Set(this.vars.keys());
    this.files = new Map(Object.entries(context.files));
    this.#startedAt = context.startedAt;
  }

  now(): number | undefined {
    return this.#startedAt === undefined ? undefined : this.#startedAt + this.t;
  }

  finish(stop: Stop): Trace {
    if (stop.reason === "horizon") {
      return { lines: this.lines, until: this.horizon };
    }
    if (stop.reason === "exit") {
      for (const stream of [1, 2] as const) {
        if (this.#partial[stream]) this.lines.push({ at: this.t, stream, text: this.#partial[stream] });
      }
      return {
        lines: this.lines,
        exit: { code: stop.code & 255, at: this.t },
        until: Number.POSITIVE_INFINITY,
      };
    }
    return { lines: this.lines, until: Number.POSITIVE_INFINITY };
  }

  write(io: Io, fd: 1 | 2, text: string): void {
    const sink = io[fd];
    if ("discard" in sink) return;
    if ("capture" in sink) {
      sink.capture.text += text;
      return;
    }
    if ("path" in sink) {
      this.files.set(sink.path, (this.files.get(sink.path) ?? "") + text);
      return;
    }
    const parts = (this.#partial[sink.stream] + text).split("\n");
    this.#partial[sink.stream] = parts.pop()!;
    for (const line of parts) this.lines.push({ at: this.t, stream: sink.stream, text: line });
  }

  sleep(ms: number): void {
    if (ms === Number.POSITIVE_INFINITY) throw new Stop("forever");
    if (this.t + ms > this.horizon) throw new Stop("horizon");
    this.t += ms;
    this.#sinceSleep = 0;
  }

  exit(code: number): never {
    throw new Stop("exit", code);
  }

  #tick(): void {
    this.steps++;
    if (++this.#sinceSleep > SPIN_LIMIT) throw new Stop("forever");
  }

  /** Runs an applet or builtin by name. */
  exec(name: string, args: string[], io: Io): number {
    this.#tick();
    // Own keys only: a script running `constructor` or `toString` runs a command that is not there.
    const applet = Object.hasOwn(APPLETS, name) ? APPLETS[name] : undefined;
    if (!applet && ON_IMAGE.has(name)) {
      // The image has it, so "not found" would be a lie; the script stops, loudly.
      const prefix = this.inShell ? `${this.invokedAs}: ` : "";
      this.write(io, 2, `${prefix}${name}: not simulated in the fake\n`);
      return this.exit(2);
    }
    if (!applet) {
      this.write(io, 2, `${this.invokedAs}: ${name}: not found\n`);
      return 127;
    }
    // An applet is a process of its own: what it changes and its `exit` stay in it.
    return applet.executable ? this.subshell(() => applet.run(this, args, io)) : applet.run(this, args, io);
  }

  /** `sh -c SCRIPT [NAME [ARGS...]]`, from a container's argv or from a script. */
  runScript(script: string, name: string, args: string[], io: Io): number {
    let list: List;
    try {
      list = parse(script);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      this.write(io, 2, `${this.invokedAs}: ${error.message}\n`);
      return 2;
    }
    this.scriptName = name;
    this.positional = args;
    return this.list(list, io);
  }

  list(list: List, io: Io): number {
    for (const item of list) this.andOr(item, io);
    return this.status;
  }

  andOr(item: AndOr, io: Io): void {
    this.status = this.command(item.first, io);
    for (const { op, command } of item.rest) {
      if ((op === "&&") === (this.status === 0)) this.status = this.command(command, io);
    }
    if (item.negate) this.status = this.status === 0 ? 1 : 0;
    else if (this.errexit && this.status !== 0 && item.rest.length === 0) this.exit(this.status);
  }

  command(command: Command, io: Io): number {
    this.#tick();
    switch (command.kind) {
      case "simple":
        return this.simple(command, io);
      case "pipeline":
        return this.pipeline(command.stages, io);
      case "group": {
        const redirected = this.redirect(command.redirects, io);
        return redirected ? this.list(command.body, redirected) : 1;
      }
      case "loop": {
        let status = 0;
        for (;;) {
          const errexit = this.errexit;
          this.errexit = false;
          const test = this.list(command.test, io);
          this.errexit = errexit;
          if ((test === 0) === command.until) return status;
          status = this.list(command.body, io);
        }
      }
      case "for": {
        let status = 0;
        const items = command.items.flatMap((w) => this.expand(w));
        for (const item of items) {
          this.vars.set(command.name, item);
          status = this.list(command.body, io);
        }
        return status;
      }
      case "if": {
        for (const branch of command.branches) {
          const errexit = this.errexit;
          this.errexit = false;
          const test = this.list(branch.test, io);
          this.errexit = errexit;
          if (test === 0) return this.list(branch.body, io);
        }
        return command.otherwise ? this.list(command.otherwise, io) : 0;
      }
    }
  }

  /**
   * Each stage runs as a subshell (its variables and `exit` stay in it), to its end, before the
   * next starts: a stage that never ends holds back the stages after it, which a real pipe would
   * run alongside.
   */
  pipeline(stages: Command[], io: Io): number {
    let input = io[0];
    let status = 0;
    stages.forEach((stage, index) => {
      const capture = { text: "" };
      const last = index === stages.length - 1;
      const stageIo: Io = { ...io, 0: input ?? "", 1: last ? io[1] : { capture } };
      status = this.subshell(() => this.command(stage, stageIo));
      input = capture.text;
    });
    return status;
  }

  withEnvironment(environment: Map<string, string>, run: () => number): number {
    return this.subshell(() => {
      this.vars.clear();
      this.exported.clear();
      for (const [name, value] of environment) {
        this.vars.set(name, value);
        this.exported.add(name);
      }
      return run();
    }, false);
  }

  /** Runs `run` with the shell's state saved; `exit` inside ends only it when `contained`. */
  subshell(run: () => number, contained = true): number {
    const vars = new Map(this.vars);
    const exported = new Set(this.exported);
    const { errexit, positional, scriptName, inShell } = this;
    try {
      return run();
    } catch (stop) {
      if (contained && stop instanceof Stop && stop.reason === "exit") return stop.code & 255;
      throw stop;
    } finally {
      this.vars.clear();
      for (const [name, value] of vars) this.vars.set(name, value);
      this.exported.clear();
      for (const name of exported) this.exported.add(name);
      Object.assign(this, { errexit, positional, scriptName, inShell });
    }
  }

  simple(command: Extract<Command, { kind: "simple" }>, io: Io): number {
    const words = command.words.flatMap((w) => this.expand(w));
    const values = command.assigns.map(
      ({ name, value }) => [name, this.expand(value, false).join("")] as const,
    );
    if (words.length === 0) {
      for (const [name, value] of values) this.vars.set(name, value);
      return this.redirect(command.redirects, io) ? 0 : 1;
    }
    const saved = values.map(([name]) => [name, this.vars.get(name), this.exported.has(name)] as const);
    for (const [name, value] of values) {
      this.vars.set(name, value);
      this.exported.add(name);
    }
    try {
      const [name, ...args] = words as [string, ...string[]];
      const redirected = this.redirect(command.redirects, io);
      if (!redirected) return 1;
      return this.exec(this.resolve(name), args, redirected);
    } finally {
      for (const [name, value, exported] of saved) {
        if (value === undefined) this.vars.delete(name);
        else this.vars.set(name, value);
        if (!exported) this.exported.delete(name);
      }
    }
  }

  /** `/bin/echo` is `echo`; any other path names nothing on this image. */
  resolve(name: string): string {
    if (!name.includes("/")) return name;
    return executable(name) ?? name;
  }

  /** The descriptors after the redirections; undefined (after saying why) when a file is missing. */
  redirect(redirects: Redirect[], io: Io): Io | undefined {
    if (redirects.length === 0) return io;
    const out: Io = { ...io };
    for (const redirect of redirects) {
      if (redirect.fd === 0) {
        const path = this.expand(redirect.from, false).join("");
        const data = path === "/dev/null" ? "" : this.files.get(path);
        if (data === undefined) {
          this.write(io, 2, `${this.invokedAs}: can't open ${path}: no such file\n`);
          return undefined;
        }
        out[0] = data;
        continue;
      }
      const { fd, to } = redirect;
      if ("fd" in to) out[fd] = out[to.fd];
      else {
        const path = this.expand(to.path, false).join("");
        if (path === "/dev/null") out[fd] = { discard: true };
        else if (path === "/dev/stdout" || path === "/proc/self/fd/1") out[fd] = io[1];
        else if (path === "/dev/stderr" || path === "/proc/self/fd/2") out[fd] = io[2];
        else {
          if (!to.append) this.files.set(path, "");
          out[fd] = { path };
        }
      }
    }
    return out;
  }

  /** Parameter expansion, then field splitting of what unquoted expansions produced. */
  expand(word: Word, split = true): string[] {
    const fields: string[] = [];
    let current = "";
    let started = false;
    for (const original of word) {
      if (original.quote === "single") {
        current += original.text;
        started = true;
        continue;
      }
      const part = { ...original, text: this.arithmetic(original.text) };
      const quoted = part.quote === "double";
      if (quoted) started = true;
      const re = /\$(?:\{(#?)([A-Za-z_]\w*|[0-9?#$@*])(?:(:?[-+=])([^}]*))?\}|([A-Za-z_]\w*|[0-9?#$@*]))/g;
      let last = 0;
      for (let m = re.exec(part.text); m; m = re.exec(part.text)) {
        current += part.text.slice(last, m.index);
        if (m.index > last) started = true;
        last = m.index + m[0].length;
        let value = this.param(m[2] ?? m[5]!);
        if (m[1]) value = String(value?.length ?? 0);
        else if (m[3]) {
          const empty = m[3].startsWith(":") ? !value : value === undefined;
          const alternative = this.expand([{ text: m[4] ?? "", quote: "double" }], false).join("");
          if (m[3].endsWith("-") && empty) value = alternative;
          else if (m[3].endsWith("+")) value = empty ? "" : alternative;
          else if (m[3].endsWith("=") && empty) {
            value = alternative;
            this.vars.set(m[2]!, value);
          }
        }
        value ??= "";
        if (quoted || !split) {
          current += value;
          continue;
        }
        const pieces = value.split(/[ \t\n]+/);
        for (let i = 0; i < pieces.length; i++) {
          if (i > 0 && (started || current)) {
            fields.push(current);
            current = "";
            started = false;
          }
          if (pieces[i]) {
            current += pieces[i];
            started = true;
          }
        }
      }
      const rest = part.text.slice(last);
      if (rest) {
        current += rest;
        started = true;
      }
    }
    if (started || current) fields.push(current);
    return split ? fields : [fields.join(" ")];
  }

  /** Replaces each `$((...))` by its value; a bad expression ends the script, as in busybox. */
  arithmetic(text: string): string {
    let start = text.indexOf("$((");
    while (start >= 0) {
      let depth = 0;
      let end = start + 1;
      for (; end < text.length; end++) {
        if (text[end] === "(") depth++;
        else if (text[end] === ")" && --depth === 0) break;
      }
      const inner = this.arithmetic(text.slice(start + 3, end - 1));
      const expanded = this.expand([{ text: inner, quote: "double" }], false).join("");
      let value: string;
      try {
        value = evaluate(expanded, this.vars);
      } catch (error) {
        if (!(error instanceof ArithmeticError)) throw error;
        this.write({ 1: { stream: 1 }, 2: { stream: 2 } }, 2, `${this.invokedAs}: ${error.message}\n`);
        return this.exit(2);
      }
      text = text.slice(0, start) + value + text.slice(end + 1);
      start = text.indexOf("$((", start + value.length);
    }
    return text;
  }

  param(name: string): string | undefined {
    switch (name) {
      case "?":
        return String(this.status);
      case "$":
        return "1";
      case "#":
        return String(this.positional.length);
      case "@":
      case "*":
        return this.positional.join(" ");
      case "0":
        return this.scriptName;
      default:
        if (/^\d$/.test(name)) return this.positional[Number(name) - 1];
        return this.vars.get(name);
    }
  }
}
