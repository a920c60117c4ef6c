import type { Io, Shell } from "./process.js";
import { date, env, wget } from "./system-applets.js";
import { cut, grep, head, seq, tail, tr, wc } from "./text-applets.js";

export { ON_IMAGE } from "./image-applets.js";
export type { Io, Shell, Sink } from "./process.js";

// The commands of the busybox image that service commands use, each as busybox answers it (texts
// and exit codes checked against flotilla-test/busybox on Docker 20.10). `executable` marks
// applets on PATH, which a container's argv[0] may name; the rest are shell builtins.

interface Applet {
  executable: boolean;
  run(shell: Shell, args: string[], io: Io): number;
}

const builtin = (run: Applet["run"]): Applet => ({ executable: false, run });
const applet = (run: Applet["run"]): Applet => ({ executable: true, run });

/** Builtins busybox sh has that the fake does not simulate: the script stops, loudly. */
const UNSIMULATED = [
  "trap",
  "read",
  "wait",
  "kill",
  "eval",
  "source",
  ".",
  "set",
  "shift",
  "ulimit",
  "umask",
];

export const APPLETS: Record<string, Applet> = {
  sh: applet(sh),
  echo: applet(echo),
  printf: applet(printf),
  sleep: applet(sleep),
  true: applet(() => 0),
  false: applet(() => 1),
  cat: applet(cat),
  date: applet(date),
  env: applet(env),
  wget: applet(wget),
  seq: applet(seq),
  head: applet(head),
  tail: applet(tail),
  grep: applet(grep),
  wc: applet(wc),
  tr: applet(tr),
  cut: applet(cut),
  hostname: applet((shell, _args, io) => {
    shell.write(io, 1, `${shell.vars.get("HOSTNAME") ?? ""}\n`);
    return 0;
  }),
  test: applet((shell, args, io) => test(shell, args, io)),
  "[": applet((shell, args, io) => {
    if (args.at(-1) !== "]") {
      shell.write(io, 2, "[: missing ]\n");
      return 2;
    }
    return test(shell, args.slice(0, -1), io);
  }),
  ":": builtin(() => 0),
  cd: builtin(() => 0),
  exit: builtin((shell, args) => shell.exit(args[0] === undefined ? shell.status : Number(args[0]) || 0)),
  exec: builtin((shell, args, io) => {
    if (args.length === 0) return 0;
    const [name, ...rest] = args as [string, ...string[]];
    return shell.exit(shell.exec(shell.resolve(name), rest, io));
  }),
  export: builtin((shell, args) => {
    for (const arg of args) {
      const eq = arg.indexOf("=");
      if (eq > 0) shell.vars.set(arg.slice(0, eq), arg.slice(eq + 1));
      shell.exported.add(eq > 0 ? arg.slice(0, eq) : arg);
    }
    return 0;
  }),
  unset: builtin((shell, args) => {
    for (const arg of args) {
      shell.vars.delete(arg);
      shell.exported.delete(arg);
    }
    return 0;
  }),
  ...Object.fromEntries(
    UNSIMULATED.map((name) => [
      name,
      builtin((shell, _args, io) => {
        shell.write(io, 2, `sh: ${name}: not simulated in the fake\n`);
        return shell.exit(2);
      }),
    ]),
  ),
};

function sh(shell: Shell, args: string[], io: Io): number {
  let script: string | undefined;
  let i = 0;
  for (; i < args.length && args[i]!.startsWith("-") && args[i] !== "-"; i++) {
    for (const flag of args[i]!.slice(1)) {
      if (flag === "c") script = "";
      else if (flag === "e") shell.errexit = true;
      else {
        shell.write(io, 2, `sh: -${flag}: not simulated in the fake\n`);
        return 2;
      }
    }
  }
  // As busybox sh does on start: one level deeper, and in the working directory (the image's `/`).
  shell.vars.set("SHLVL", String((Number.parseInt(shell.vars.get("SHLVL") ?? "", 10) || 0) + 1));
  if (!shell.vars.has("PWD")) shell.vars.set("PWD", "/");
  shell.exported.add("SHLVL").add("PWD");
  shell.inShell = true;
  if (script === undefined) {
    // No -c: the script comes from a file (none exist here) or from stdin, which is empty.
    if (i < args.length) {
      shell.write(io, 2, `${shell.invokedAs}: can't open '${args[i]}': No such file or directory\n`);
      return 2;
    }
    return 0;
  }
  if (i >= args.length) {
    shell.write(io, 2, `${shell.invokedAs}: -c requires an argument\n`);
    return 2;
  }
  return shell.runScript(args[i]!, args[i + 1] ?? "sh", args.slice(i + 2), io);
}

function echo(shell: Shell, args: string[], io: Io): number {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length && /^-[neE]+$/.test(args[i]!); i++) {
    for (const flag of args[i]!.slice(1)) {
      if (flag === "n") newline = false;
      else escapes = flag === "e";
    }
  }
  let text = args.slice(i).join(" ");
  if (escapes) {
    const { text: unescaped, stopped } = readEscapes(text, true);
    text = unescaped;
    if (stopped) newline = false;
  }
  shell.write(io, 1, newline ? `${text}\n` : text);
  return 0;
}

const ESCAPES: Record<string, string> = {
  "\\": "\\",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/** Backslash escapes as echo -e and printf read them; `\c` stops the output. */
function readEscapes(text: string, echoStyle: boolean): { text: string; stopped: boolean } {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== "\\" || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[i + 1]!;
    if (next === "c") return { text: out, stopped: true };
    if (ESCAPES[next] !== undefined) {
      out += ESCAPES[next];
      i++;
    } else if (next === "x" && /^[0-9a-fA-F]/.test(text[i + 2] ?? "")) {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2))![0];
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 1 + hex.length;
    } else if (/[0-7]/.test(next) && (echoStyle ? next === "0" : true)) {
      const octal = /^[0-7]{1,3}/.exec(text.slice(i + (echoStyle ? 2 : 1)))?.[0] ?? "";
      out += String.fromCharCode(Number.parseInt(octal || "0", 8));
      i += (echoStyle ? 1 : 0) + octal.length;
    } else out += c;
  }
  return { text: out, stopped: false };
}

function printf(shell: Shell, args: string[], io: Io): number {
  if (args.length === 0) {
    shell.write(io, 2, "printf: usage: printf FORMAT [ARGUMENT...]\n");
    return 1;
  }
  const [format, ...values] = args as [string, ...string[]];
  let out = "";
  let used = 0;
  do {
    const before = used;
    const spec = /%([-+ 0#]*)(\d*)(?:\.(\d+))?([sdiuxXocb%])/g;
    let last = 0;
    let stopped = false;
    for (let m = spec.exec(format); m; m = spec.exec(format)) {
      const literal = readEscapes(format.slice(last, m.index), false);
      out += literal.text;
      if (literal.stopped) {
        stopped = true;
        break;
      }
      last = m.index + m[0].length;
      const [, flags = "", width = "", precision, conversion] = m;
      if (conversion === "%") {
        out += "%";
        continue;
      }
      const value = values[used++] ?? "";
      let text: string;
      if (conversion === "s") text = precision === undefined ? value : value.slice(0, Number(precision));
      else if (conversion === "b") text = readEscapes(value, true).text;
      else if (conversion === "c") text = value.slice(0, 1);
      else {
        const n = Number.parseInt(value || "0", 10) || 0;
        const radix = { x: 16, X: 16, o: 8 }[conversion as "x"] ?? 10;
        text = Math.abs(n).toString(radix);
        if (conversion === "X") text = text.toUpperCase();
        if (n < 0) text = `-${text}`;
        else if (flags.includes("+")) text = `+${text}`;
      }
      const pad = Number(width || 0) - text.length;
      if (pad > 0) {
        if (flags.includes("-")) text += " ".repeat(pad);
        else if (flags.includes("0") && conversion !== "s") {
          const sign = /^[-+]/.test(text) ? text[0] : "";
          text = sign + "0".repeat(pad) + text.slice(sign!.length);
        } else text = " ".repeat(pad) + text;
      }
      out += text;
    }
    if (!stopped) out += readEscapes(format.slice(last), false).text;
    if (stopped || used === before) break;
  } while (used < values.length);
  shell.write(io, 1, out);
  return 0;
}

const SLEEP_UNITS: Record<string, number> = { "": 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function sleep(shell: Shell, args: string[], io: Io): number {
  if (args.length === 0) {
    shell.write(io, 2, "sleep: missing operand\n");
    return 1;
  }
  let ms = 0;
  for (const arg of args) {
    if (/^inf(inity)?$/i.test(arg)) {
      ms = Number.POSITIVE_INFINITY;
      continue;
    }
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
    if (!m) {
      shell.write(io, 2, `sleep: invalid number '${arg}'\n`);
      return 1;
    }
    ms += Number(m[1]) * SLEEP_UNITS[m[2]!]!;
  }
  shell.sleep(ms);
  return 0;
}

function cat(shell: Shell, args: string[], io: Io): number {
  let status = 0;
  for (const path of args.length ? args : ["-"]) {
    const data = path === "-" ? (io[0] ?? "") : shell.files.get(path);
    if (data === undefined) {
      shell.write(io, 2, `cat: can't open '${path}': No such file or directory\n`);
      status = 1;
    } else shell.write(io, 1, data);
  }
  return status;
}

function test(shell: Shell, args: string[], io: Io): number {
  const ok = (b: boolean) => (b ? 0 : 1);
  if (args.length === 0) return 1;
  if (args[0] === "!") return test(shell, args.slice(1), io) === 0 ? 1 : 0;
  if (args.length === 1) return ok(args[0] !== "");
  if (args.length === 2) {
    const [op, value] = args as [string, string];
    if (op === "-n") return ok(value !== "");
    if (op === "-z") return ok(value === "");
    if (op === "-e" || op === "-f" || op === "-r" || op === "-s") {
      const data = shell.files.get(value);
      return ok(data !== undefined && (op !== "-s" || data !== ""));
    }
  }
  if (args.length === 3) {
    const [a, op, b] = args as [string, string, string];
    const numeric: Record<string, (x: number, y: number) => boolean> = {
      "-eq": (x, y) => x === y,
      "-ne": (x, y) => x !== y,
      "-lt": (x, y) => x < y,
      "-le": (x, y) => x <= y,
      "-gt": (x, y) => x > y,
      "-ge": (x, y) => x >= y,
    };
    if (op === "=" || op === "==") return ok(a === b);
    if (op === "!=") return ok(a !== b);
    if (numeric[op]) return ok(numeric[op](Number(a), Number(b)));
  }
  shell.write(io, 2, `sh: test ${args.join(" ")}: not simulated in the fake\n`);
  return 2;
}
