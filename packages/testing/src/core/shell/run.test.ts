import { describe, expect, it } from "vitest";
import { runArgv, startProblem } from "./run.js";

// Given an argv, want what busybox prints (stream, milliseconds after start) and how it exits.
// Every `want` here was checked against flotilla-test/busybox on Docker 20.10 unless it says not.

const context = {
  env: { PATH: "/bin", HOME: "/root", HOSTNAME: "web-1", WHO: "fake", EMPTY: "" },
  files: { "/run/secrets/token": "s3cret", "/etc/app.conf": "key=value\n" },
};
const sh = (script: string) => ["sh", "-c", script];
const out = (text: string, at = 0) => ({ at, stream: 1, text });
const err = (text: string, at = 0) => ({ at, stream: 2, text });

const TABLE: { given: string[]; lines: object[]; exit?: number; at?: number }[] = [
  { given: ["/bin/sh"], lines: [], exit: 0 },
  { given: ["true"], lines: [], exit: 0 },
  { given: ["false"], lines: [], exit: 1 },
  { given: ["echo", "a", "b"], lines: [out("a b")], exit: 0 },
  {
    given: sh("echo one; echo two >&2; echo three 1>&2"),
    lines: [out("one"), err("two"), err("three")],
    exit: 0,
  },
  {
    given: sh("echo \"who=$WHO host=$HOSTNAME\" '$HOME' $HOME"),
    lines: [out("who=fake host=web-1 $HOME /root")],
    exit: 0,
  },
  {
    given: sh("echo -n a; echo b; echo 'x\\ty'; echo -e 'x\\ty'"),
    lines: [out("ab"), out("x\\ty"), out("x\ty")],
    exit: 0,
  },
  {
    given: sh('printf "%s-%d|" x 5 y 6; printf "\\n%5s|%-3s|%03d\\n" r l 7'),
    lines: [out("x-5|y-6|"), out("    r|l  |007")],
    exit: 0,
  },
  { given: sh("nosuch; echo rc=$?"), lines: [err("sh: nosuch: not found"), out("rc=127")], exit: 0 },
  // busybox names itself as invoked.
  { given: ["/bin/sh", "-c", "nosuch"], lines: [err("/bin/sh: nosuch: not found")], exit: 127 },
  {
    given: sh("false || echo or; true && echo and; false && echo never"),
    lines: [out("or"), out("and")],
    exit: 1,
  },
  { given: sh("exit 3"), lines: [], exit: 3 },
  { given: sh("exit 300"), lines: [], exit: 44 },
  {
    given: sh("echo a; sleep 1.5; echo b; sleep 2; exit 1"),
    lines: [out("a"), out("b", 1500)],
    exit: 1,
    at: 3500,
  },
  {
    given: sh("cat /run/secrets/token; echo; cat /etc/app.conf"),
    lines: [out("s3cret"), out("key=value")],
    exit: 0,
  },
  {
    given: sh("cat /nope; echo rc=$?"),
    lines: [err("cat: can't open '/nope': No such file or directory"), out("rc=1")],
    exit: 0,
  },
  { given: sh("exec echo execd; echo never"), lines: [out("execd")], exit: 0 },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell script, not a template
  { given: sh("X=5; echo x=$X ${X}y ${NOPE:-dflt} ${#X}.$EMPTY."), lines: [out("x=5 5y dflt 1..")], exit: 0 },
  // Not checked against the engine: what sh does with loops, tests, files and `set -e`.
  {
    given: sh("for i in 1 2 3; do if [ $i -eq 2 ]; then echo two; else echo $i; fi; done"),
    lines: [out("1"), out("two"), out("3")],
    exit: 0,
  },
  { given: sh("echo saved > /tmp/f; cat /tmp/f; echo gone >/dev/null"), lines: [out("saved")], exit: 0 },
  { given: ["sh", "-ec", "echo a; false; echo b"], lines: [out("a")], exit: 1 },
  {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell script, not a template
    given: sh("n=a; until [ $n = aaa ]; do n=${n}a; echo $n; done"),
    lines: [out("aa"), out("aaa")],
    exit: 0,
  },
  // What is not simulated says so and names the construct: never "not found".
  {
    given: sh("echo $(date)"),
    lines: [err("sh: command substitution $(...) is not simulated in the fake")],
    exit: 2,
  },
  {
    given: sh('echo "`date`"'),
    lines: [err("sh: command substitution $(...) is not simulated in the fake")],
    exit: 2,
  },
  { given: sh("trap 'exit 0' TERM; sleep 5"), lines: [err("sh: trap: not simulated in the fake")], exit: 2 },
  {
    given: sh("echo a; awk 1; echo b"),
    lines: [out("a"), err("sh: awk: not simulated in the fake")],
    exit: 2,
  },
  {
    given: sh("echo a | grep -o a; echo rc=$?"),
    lines: [err("grep: -o: not simulated in the fake"), out("rc=2")],
    exit: 0,
  },
  { given: ["awk", "1"], lines: [err("awk: not simulated in the fake")], exit: 2 },
  { given: sh("echo 'open"), lines: [err("sh: unterminated quoted string")], exit: 2 },
];

describe("the shell simulator", () => {
  it.each(TABLE)("runs $given", ({ given, lines, exit, at = 0 }) => {
    const trace = runArgv(given, context, 60_000);
    expect(trace.lines).toEqual(lines);
    expect(trace.exit).toEqual(exit === undefined ? undefined : { code: exit, at });
  });

  it("tells the time from the process's start on the fake's clock, in UTC", () => {
    const startedAt = Date.UTC(2024, 1, 3, 4, 5, 6);
    const trace = runArgv(sh("date; sleep 61; date +%s.%H:%M:%S"), { ...context, startedAt }, 120_000);
    expect(trace.lines).toEqual([out("Sat Feb  3 04:05:06 UTC 2024"), out("1706933167.04:06:07", 61_000)]);
    // Without a start time (a health probe), date fails loudly rather than inventing one.
    expect(runArgv(sh("date"), context, 1000).lines).toEqual([
      err("date: the clock is not simulated in the fake for this command"),
    ]);
  });

  it("runs pipeline stages as subshells: their variables and exit stay in them", () => {
    const trace = runArgv(
      sh("x=1; x=2 | exit 3; echo x=$x rc=$?; echo a | { read_=1; exit 4; }; echo rc=$?"),
      context,
      1000,
    );
    expect(trace.lines).toEqual([out("x=1 rc=3"), out("rc=4")]);
  });

  it("runs a loop as far as it is asked, and further when asked again", () => {
    const loop = sh("while true; do echo tick $WHO; sleep 1; done");
    const first = runArgv(loop, context, 2500);
    expect(first.lines).toEqual([out("tick fake"), out("tick fake", 1000), out("tick fake", 2000)]);
    expect(first.until).toBe(2500);
    expect(first.exit).toBeUndefined();
    // Lines at 0s, 1s, ... 10s: the horizon itself is included.
    expect(runArgv(loop, context, 10_000).lines).toHaveLength(11);
  });

  it("knows that sleep infinity and a spinning loop never end", () => {
    expect(runArgv(sh("echo up; sleep infinity"), context, 1000)).toEqual({
      lines: [out("up")],
      until: Number.POSITIVE_INFINITY,
    });
    expect(runArgv(sh("while :; do :; done"), context, 1000).until).toBe(Number.POSITIVE_INFINITY);
    // The keep-alive service commands use: prints what the file has, then follows it forever.
    expect(runArgv(["tail", "-f", "/etc/app.conf"], context, 1000)).toEqual({
      lines: [out("key=value")],
      until: Number.POSITIVE_INFINITY,
    });
  });

  it("refuses to start what is not on the image, with dockerd's text", () => {
    expect(startProblem(["nosuchbin"])).toBe(
      'starting container failed: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nosuchbin": executable file not found in $PATH: unknown',
    );
    expect(startProblem(["/bin/sh", "-c", "true"])).toBeUndefined();
    expect(startProblem(["exit", "1"])).toContain('exec: "exit"');
  });
});
