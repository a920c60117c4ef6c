import type { Io, Shell } from "./process.js";

// The busybox applets that look at the system: date (the fake's clock, in UTC as the image has no
// zone files), env, and wget (the fake has no network: nothing a task runs listens on a port).

type Run = (shell: Shell, args: string[], io: Io) => number;

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const pad = (n: number, width = 2, fill = "0") => String(n).padStart(width, fill);

/** strftime in UTC, for the conversions busybox date passes to the C library. */
export function strftime(format: string, ms: number): string {
  const d = new Date(ms);
  const hour12 = d.getUTCHours() % 12 || 12;
  const dayOfYear = Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const week = (firstDay: number) =>
    Math.floor((dayOfYear - 1 + 7 - ((d.getUTCDay() - firstDay + 7) % 7)) / 7);
  const conversions: Record<string, () => string> = {
    a: () => DAYS[d.getUTCDay()]!.slice(0, 3),
    A: () => DAYS[d.getUTCDay()]!,
    b: () => MONTHS[d.getUTCMonth()]!.slice(0, 3),
    h: () => MONTHS[d.getUTCMonth()]!.slice(0, 3),
    B: () => MONTHS[d.getUTCMonth()]!,
    C: () => pad(Math.floor(d.getUTCFullYear() / 100)),
    d: () => pad(d.getUTCDate()),
    e: () => pad(d.getUTCDate(), 2, " "),
    D: () => `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCFullYear() % 100)}`,
    F: () => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    H: () => pad(d.getUTCHours()),
    I: () => pad(hour12),
    k: () => pad(d.getUTCHours(), 2, " "),
    l: () => pad(hour12, 2, " "),
    j: () => pad(dayOfYear, 3),
    m: () => pad(d.getUTCMonth() + 1),
    M: () => pad(d.getUTCMinutes()),
    n: () => "\n",
    t: () => "\t",
    p: () => (d.getUTCHours() < 12 ? "AM" : "PM"),
    s: () => String(Math.floor(ms / 1000)),
    S: () => pad(d.getUTCSeconds()),
    T: () => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    R: () => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
    u: () => String(d.getUTCDay() || 7),
    w: () => String(d.getUTCDay()),
    U: () => pad(week(0)),
    W: () => pad(week(1)),
    y: () => pad(d.getUTCFullYear() % 100),
    Y: () => String(d.getUTCFullYear()),
    Z: () => "UTC",
    z: () => "+0000",
    "%": () => "%",
  };
  return format.replace(/%(.)/g, (whole, c: string) => conversions[c]?.() ?? whole);
}

/** The TIME forms of `date -d` that service commands use: `@SECONDS` and `YYYY-MM-DD[ hh:mm[:ss]]`. */
function parseTime(text: string): number | undefined {
  const epoch = /^@(-?\d+)$/.exec(text);
  if (epoch) return Number(epoch[1]) * 1000;
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0"] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

export const date: Run = (shell, args, io) => {
  let format = "%a %b %e %H:%M:%S %Z %Y";
  let when = shell.now();
  let explicit = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-u" || arg === "--utc") continue;
    if (arg.startsWith("+")) format = arg.slice(1);
    else if (arg === "-R") format = "%a, %d %b %Y %H:%M:%S %z";
    else if (arg === "-d" || arg.startsWith("-d")) {
      const text = arg === "-d" ? (args[++i] ?? "") : arg.slice(2);
      when = parseTime(text);
      explicit = true;
      if (when === undefined) {
        shell.write(io, 2, `date: invalid date '${text}'\n`);
        return 1;
      }
    } else {
      shell.write(io, 2, `date: ${arg}: not simulated in the fake\n`);
      return 1;
    }
  }
  if (when === undefined && !explicit) {
    shell.write(io, 2, "date: the clock is not simulated in the fake for this command\n");
    return 1;
  }
  shell.write(io, 1, `${strftime(format, when!)}\n`);
  return 0;
};

/**
 * The order busybox sh keeps its variables in, which is the order of the environment it passes
 * on: by a hash of the name into 39 buckets, the newest first within a bucket.
 */
function shellOrder(names: string[]): string[] {
  const bucket = (name: string) => {
    let hash = name.charCodeAt(0) << 4;
    for (const c of name) hash += c.charCodeAt(0);
    return hash % 39;
  };
  return names
    .map((name, index) => ({ name, index, bucket: bucket(name) }))
    .sort((a, b) => a.bucket - b.bucket || b.index - a.index)
    .map(({ name }) => name);
}

export const env: Run = (shell, args, io) => {
  let i = 0;
  let clear = false;
  const unset = new Set<string>();
  for (; i < args.length && args[i]!.startsWith("-"); i++) {
    if (args[i] === "-i" || args[i] === "-") clear = true;
    else if (args[i] === "-u") unset.add(args[++i] ?? "");
    else if (args[i] === "--") {
      i++;
      break;
    }
  }
  const names = [...shell.vars.keys()].filter((n) => shell.exported.has(n) && !clear && !unset.has(n));
  const environment = new Map(
    (shell.inShell ? shellOrder(names) : names).map((n) => [n, shell.vars.get(n)!]),
  );
  for (; i < args.length && /^[^=]+=/.test(args[i]!); i++) {
    const eq = args[i]!.indexOf("=");
    environment.set(args[i]!.slice(0, eq), args[i]!.slice(eq + 1));
  }
  if (i >= args.length) {
    for (const [name, value] of environment) shell.write(io, 1, `${name}=${value}\n`);
    return 0;
  }
  return shell.withEnvironment(environment, () => {
    const [name, ...rest] = args.slice(i) as [string, ...string[]];
    return shell.exec(shell.resolve(name), rest, io);
  });
};

export const wget: Run = (shell, args, io) => {
  const url = args.find(
    (a, k) => !a.startsWith("-") && !["-O", "-o", "-T", "-U", "--header", "-P"].includes(args[k - 1]!),
  );
  if (!url) {
    shell.write(io, 2, "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR] URL...\n");
    return 1;
  }
  shell.write(io, 2, `wget: ${url}: network access is not simulated in the fake\n`);
  return 1;
};
