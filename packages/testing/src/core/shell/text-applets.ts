import type { Io, Shell } from "./process.js";

// The busybox text filters service commands pipe through: seq, head, tail, grep, wc, tr, cut.
// Each reads its files, or standard input (what the previous pipeline stage printed) without any.
// Outputs and messages follow BusyBox v1.35.0 (see shell.differential.test.ts).

type Run = (shell: Shell, args: string[], io: Io) => number;

/** The named inputs, or standard input; a missing file is reported with `missing` and skipped. */
function inputs(
  shell: Shell,
  paths: string[],
  io: Io,
  missing: (path: string) => string,
): { name: string; data: string }[] | { failed: true; found: { name: string; data: string }[] } {
  if (paths.length === 0) return [{ name: "-", data: io[0] ?? "" }];
  const found: { name: string; data: string }[] = [];
  let failed = false;
  for (const path of paths) {
    const data = path === "-" ? (io[0] ?? "") : path === "/dev/null" ? "" : shell.files.get(path);
    if (data === undefined) {
      shell.write(io, 2, `${missing(path)}\n`);
      failed = true;
    } else found.push({ name: path, data });
  }
  return failed ? { failed: true, found } : found;
}

const list = (r: ReturnType<typeof inputs>) => ("failed" in r ? r.found : r);
const failed = (r: ReturnType<typeof inputs>) => "failed" in r;
const lines = (data: string) => {
  const parts = data.split("\n");
  if (parts.at(-1) === "") parts.pop();
  return parts;
};

function usage(shell: Shell, io: Io, text: string): number {
  shell.write(io, 2, `Usage: ${text}\n`);
  return 1;
}

/**
 * getopt-style flags (`-n5`, `-n 5`, `-vi`) up to `--` or the first operand. `withValue` take a
 * value; a flag in neither list is returned as `unknown`, for the applet to refuse out loud.
 */
function options(
  args: string[],
  withValue: string,
  known: string,
): { flags: Map<string, string>; rest: string[]; unknown?: string } {
  const flags = new Map<string, string>();
  let i = 0;
  let unknown: string | undefined;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      i++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    for (let k = 1; k < arg.length; k++) {
      const flag = arg[k]!;
      if (withValue.includes(flag)) {
        flags.set(flag, k + 1 < arg.length ? arg.slice(k + 1) : (args[++i] ?? ""));
        break;
      }
      if (!known.includes(flag)) unknown ??= `-${flag}`;
      flags.set(flag, "");
    }
  }
  return { flags, rest: args.slice(i), ...(unknown && { unknown }) };
}

/** An option the fake does not simulate: said, never silently ignored. */
function refuse(shell: Shell, io: Io, applet: string, flag: string): number {
  shell.write(io, 2, `${applet}: ${flag}: not simulated in the fake\n`);
  return 2;
}

export const seq: Run = (shell, args, io) => {
  const flags = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-w") flags.set("w", "");
    else if (arg.startsWith("-s")) flags.set("s", arg.length > 2 ? arg.slice(2) : (args[++i] ?? ""));
    else operands.push(arg);
  }
  if (operands.length < 1 || operands.length > 3)
    return usage(shell, io, "seq [-w] [-s SEP] [FIRST [INC]] LAST");
  const [first, step, last] =
    operands.length === 1
      ? ["1", "1", operands[0]!]
      : operands.length === 2
        ? [operands[0]!, "1", operands[1]!]
        : operands;
  const places = Math.max(...[first, step].map((n) => n!.split(".")[1]?.length ?? 0));
  const [from, by, to] = [first, step, last].map(Number) as [number, number, number];
  if ([from, by, to].some(Number.isNaN)) {
    shell.write(io, 2, `seq: invalid number '${[first, step, last].find((n) => Number.isNaN(Number(n)))}'\n`);
    return 1;
  }
  const out: string[] = [];
  for (let k = 0; by > 0 ? from + k * by <= to : by < 0 && from + k * by >= to; k++) {
    out.push((from + k * by).toFixed(places));
  }
  const width = flags.has("w") ? Math.max(...out.map((n) => n.length)) : 0;
  const text = out.map((n) => n.padStart(width, "0")).join(flags.get("s") ?? "\n");
  if (out.length) shell.write(io, 1, `${text}\n`);
  return 0;
};

function headOrTail(name: "head" | "tail"): Run {
  return (shell, args, io) => {
    // `-N` is `-n N`; for tail, `+N` counts from the start.
    const normalized = args.map((a) => (/^-\d+$/.test(a) ? `-n${a.slice(1)}` : a));
    const { flags, rest: paths, unknown } = options(normalized, "nc", name === "tail" ? "f" : "");
    if (unknown) return refuse(shell, io, name, unknown);
    const n = flags.get("c") ?? flags.get("n") ?? "10";
    const bytes = flags.has("c");
    const follow = flags.has("f");
    const missing = (p: string) =>
      name === "head"
        ? `${name}: ${p}: No such file or directory`
        : `tail: can't open '${p}': No such file or directory`;
    const read = inputs(shell, paths, io, missing);
    const found = list(read);
    if (name === "tail" && failed(read) && found.length === 0) shell.write(io, 2, "tail: no files\n");
    const fromStart = n.startsWith("+");
    const k = Number.parseInt(n.replace(/^[+-]/, ""), 10) || 0;
    found.forEach(({ name: file, data }, index) => {
      if (found.length > 1) shell.write(io, 1, `${index > 0 ? "\n" : ""}==> ${file} <==\n`);
      if (bytes) {
        const text =
          name === "head" ? data.slice(0, k) : fromStart ? data.slice(k - 1) : data.slice(-k || data.length);
        shell.write(io, 1, text);
        return;
      }
      const all = data.split(/(?<=\n)/);
      const picked =
        name === "head"
          ? all.slice(0, k)
          : fromStart
            ? all.slice(Math.max(0, k - 1))
            : k
              ? all.slice(-k)
              : [];
      shell.write(io, 1, picked.join(""));
    });
    if (follow) shell.sleep(Number.POSITIVE_INFINITY);
    return failed(read) ? 1 : 0;
  };
}
export const head = headOrTail("head");
export const tail = headOrTail("tail");

/** A POSIX regular expression (basic, or extended with -E) as a JavaScript one. */
function regex(pattern: string, extended: boolean, fixed: boolean, flags: string): RegExp {
  if (fixed) return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"), flags);
  const classes: Record<string, string> = {
    alpha: "A-Za-z",
    digit: "0-9",
    alnum: "A-Za-z0-9",
    upper: "A-Z",
    lower: "a-z",
    space: " \\t\\n\\r\\f\\v",
    blank: " \\t",
    punct: "!-\\/:-@\\[-`{-~",
    xdigit: "0-9A-Fa-f",
  };
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "[") {
      let end = i + 1;
      if (pattern[end] === "^") end++;
      if (pattern[end] === "]") end++;
      while (end < pattern.length && pattern[end] !== "]") {
        end = pattern.startsWith("[:", end) ? pattern.indexOf(":]", end) + 2 : end + 1;
        if (end < 2) break;
      }
      if (end >= pattern.length || end < 2) throw new SyntaxError("unmatched [");
      const body = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
      out += `[${body.replace(/\[:(\w+):\]/g, (_, name: string) => classes[name] ?? "")}]`;
      i = end;
    } else if (c === "\\" && i + 1 < pattern.length) {
      const next = pattern[++i]!;
      out += !extended && "(){}|+?".includes(next) ? next : `\\${next}`;
    } else if (!extended && "(){}|+?".includes(c)) out += `\\${c}`;
    else out += c;
  }
  return new RegExp(out, flags);
}

export const grep: Run = (shell, args, io) => {
  const { flags, rest, unknown } = options(args, "e", "EFivcqnxwlhH");
  if (unknown) return refuse(shell, io, "grep", unknown);
  // Each `-e` adds a pattern (options() keeps only the last value of a flag).
  const given = args.slice(0, args.length - rest.length).flatMap((arg, k, all) => {
    const m = /^-[^-e]*e(.*)$/.exec(arg);
    return m ? [m[1] || all[k + 1]!] : [];
  });
  const patterns = flags.has("e") ? given : rest.splice(0, 1);
  if (patterns.length === 0)
    return usage(
      shell,
      io,
      "grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...",
    );
  let re: RegExp;
  try {
    const extended = flags.has("E");
    let source = patterns.map((p) => `(?:${regex(p, extended, flags.has("F"), "").source})`).join("|");
    if (flags.has("x")) source = `^(?:${source})$`;
    else if (flags.has("w")) source = `(?<![\\w])(?:${source})(?![\\w])`;
    re = new RegExp(source, flags.has("i") ? "i" : "");
  } catch {
    shell.write(io, 2, `grep: bad regex '${patterns[0]}'\n`);
    return 2;
  }
  const read = inputs(shell, rest, io, (p) => `grep: ${p}: No such file or directory`);
  const found = list(read);
  const named = !flags.has("h") && (flags.has("H") || rest.length > 1);
  let matched = false;
  for (const { name, data } of found) {
    let hits = 0;
    lines(data).forEach((line, index) => {
      if (re.test(line) === flags.has("v")) return;
      hits++;
      matched = true;
      if (flags.has("q") || flags.has("c") || flags.has("l")) return;
      const prefix = `${named ? `${name === "-" ? "(standard input)" : name}:` : ""}${flags.has("n") ? `${index + 1}:` : ""}`;
      shell.write(io, 1, `${prefix}${line}\n`);
    });
    if (flags.has("q") && matched) return 0;
    if (flags.has("c")) shell.write(io, 1, `${named ? `${name}:` : ""}${hits}\n`);
    else if (flags.has("l") && hits) shell.write(io, 1, `${name === "-" ? "(standard input)" : name}\n`);
  }
  if (failed(read) && !(flags.has("q") && matched)) return 2;
  return matched ? 0 : 1;
};

export const wc: Run = (shell, args, io) => {
  const { flags, rest, unknown } = options(args, "", "lwcm");
  if (unknown) return refuse(shell, io, "wc", unknown);
  const chosen = ["l", "w", "c", "m"].filter((f) => flags.has(f));
  const columns = chosen.length ? chosen : ["l", "w", "c"];
  const read = inputs(shell, rest, io, (p) => `wc: ${p}: No such file or directory`);
  const found = list(read);
  const totals = new Map<string, number>();
  const measure = (data: string): Record<string, number> => ({
    l: (data.match(/\n/g) ?? []).length,
    w: data.split(/\s+/).filter(Boolean).length,
    c: Buffer.byteLength(data),
    m: [...data].length,
  });
  // One column from standard input is printed bare; otherwise each number is right-aligned in 9.
  const row = (counts: Record<string, number>, name: string) => {
    if (columns.length === 1 && name === "-") return `${counts[columns[0]!]}\n`;
    const numbers = columns.map((c) => String(counts[c]).padStart(9)).join(" ");
    return name === "-" ? `${numbers}\n` : `${numbers} ${name}\n`;
  };
  for (const { name, data } of found) {
    const counts = measure(data);
    for (const c of columns) totals.set(c, (totals.get(c) ?? 0) + counts[c]!);
    shell.write(io, 1, row(counts, name));
  }
  if (found.length > 1) shell.write(io, 1, row(Object.fromEntries(totals), "total"));
  return failed(read) ? 1 : 0;
};

/** A tr set: ranges, classes and escapes spelled out. */
function trSet(text: string): string[] {
  const classes: Record<string, string> = {
    upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    lower: "abcdefghijklmnopqrstuvwxyz",
    digit: "0123456789",
    space: " \t\n\r\f\v",
    blank: " \t",
  };
  classes.alpha = classes.upper! + classes.lower!;
  classes.alnum = classes.alpha + classes.digit!;
  const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\" };
  const chars: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const cls = /^\[:(\w+):\]/.exec(text.slice(i));
    if (cls && classes[cls[1]!]) {
      chars.push(...classes[cls[1]!]!);
      i += cls[0].length - 1;
      continue;
    }
    let c = text[i]!;
    if (c === "\\" && i + 1 < text.length) c = escapes[text[++i]!] ?? text[i]!;
    if (text[i + 1] === "-" && i + 2 < text.length) {
      const end = text[i + 2]!;
      for (let code = c.charCodeAt(0); code <= end.charCodeAt(0); code++)
        chars.push(String.fromCharCode(code));
      i += 2;
    } else chars.push(c);
  }
  return chars;
}

export const tr: Run = (shell, args, io) => {
  const { flags, rest, unknown } = options(args, "", "cds");
  if (unknown) return refuse(shell, io, "tr", unknown);
  if (rest.length < 1) return usage(shell, io, "tr [-cds] STRING1 [STRING2]");
  const from = trSet(rest[0]!);
  const to = rest[1] === undefined ? [] : trSet(rest[1]);
  const inFrom = (c: string) => from.includes(c) !== flags.has("c");
  let out = "";
  let previous = "";
  for (const c of io[0] ?? "") {
    let mapped: string | undefined = c;
    if (flags.has("d")) mapped = inFrom(c) ? undefined : c;
    else if (to.length && inFrom(c)) {
      const index = flags.has("c") ? to.length - 1 : from.indexOf(c);
      mapped = to[Math.min(index, to.length - 1)]!;
    }
    if (mapped === undefined) continue;
    const squeezeSet = flags.has("d") || !to.length ? from : to;
    if (flags.has("s") && mapped === previous && squeezeSet.includes(mapped)) continue;
    out += mapped;
    previous = mapped;
  }
  shell.write(io, 1, out);
  return 0;
};

/** A cut list (`1,3-5,-2,7-`) as a test of 1-based positions. */
function ranges(spec: string): (n: number) => boolean {
  const parts = spec.split(",").map((part) => {
    const [a, b] = part.includes("-") ? part.split("-") : [part, part];
    return [a ? Number(a) : 1, b ? Number(b) : Number.POSITIVE_INFINITY] as const;
  });
  return (n) => parts.some(([a, b]) => n >= a && n <= b);
}

export const cut: Run = (shell, args, io) => {
  const { flags, rest, unknown } = options(args, "dfcb", "s");
  if (unknown) return refuse(shell, io, "cut", unknown);
  const spec = flags.get("f") ?? flags.get("c") ?? flags.get("b");
  if (spec === undefined) {
    shell.write(io, 2, "cut: expected a list of bytes, characters, or fields\n");
    return 1;
  }
  const keep = ranges(spec);
  const delimiter = flags.get("d") ?? "\t";
  const read = inputs(shell, rest, io, (p) => `cut: ${p}: No such file or directory`);
  for (const { data } of list(read)) {
    for (const line of lines(data)) {
      if (!flags.has("f")) {
        shell.write(io, 1, `${[...line].filter((_, k) => keep(k + 1)).join("")}\n`);
        continue;
      }
      if (!line.includes(delimiter)) {
        if (!flags.has("s")) shell.write(io, 1, `${line}\n`);
        continue;
      }
      shell.write(
        io,
        1,
        `${line
          .split(delimiter)
          .filter((_, k) => keep(k + 1))
          .join(delimiter)}\n`,
      );
    }
  }
  return failed(read) ? 1 : 0;
};
