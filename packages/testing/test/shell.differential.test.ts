import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { runArgv } from "../src/core/shell/run.js";
import { docker } from "./docker-cli/run-docker.js";

// Each script runs in one container of flotilla-test/busybox on the real engine and in the fake's
// shell simulator; what the engine's busybox printed, on which stream, and its exit status are
// recorded here at run time and are what the fake must print. Nothing is written down by hand.

const engine = inject("engine");
const hasCli = spawnSync(process.env.FLOTILLA_DOCKER_CLI ?? "docker", ["--version"]).status === 0;
const IMAGE = "flotilla-test/busybox:latest";

interface Case {
  script: string;
  /** Only the exit status: the fake's text says what it does not simulate, busybox's does not. */
  statusOnly?: boolean;
}

const CASES: Case[] = [
  // Arithmetic expansion.
  { script: "i=0; i=$((i+1)); i=$(( i * 10 + 2 )); echo $i" },
  {
    script:
      "x=7; echo $((x / 2)) $((x % 3)) $((-x / 2)) $(( (x + 1) * 2 )) $((x > 3)) $((x <= 3)) $((x == 7))",
  },
  {
    script:
      'echo "$((1 + 2 * 3))" $((10 - 2 - 3)) $((1 && 0)) $((0 || 2)) $((!0)) $((x += 5)) $x $((y)) "[$((z=4))]" $z',
  },
  { script: "n=3; while [ $n -gt 0 ]; do echo $n; n=$((n - 1)); done" },
  { script: "x=12; echo $(( x ? x << 2 : 9 )) $((0x10 + 010)) $((5 & 3)) $((5 | 3)) $((5 ^ 3))" },
  { script: "i=1; echo $((i++)) $i $((++i)) $((i--)) $i; i=5; echo $((i+++1)) $i $((5--3))" },
  { script: "echo $((-2**2)) $((2**3**2)) $(( 1, 2 )) $((1 ? 2 : 3, 4)) $((9223372036854775807 + 1))" },
  { script: 'x="1+2"; echo $((x*2)); a=b; b=4; echo $((a+1)); echo $((  ))' },
  { script: "x=x; echo $((x+1)); echo never" },
  { script: "echo $((08)); echo never" },
  { script: "echo $((1 / 0)); echo never" },
  { script: "echo $((1 +)); echo never" },
  // Pipelines.
  { script: "echo hello | cat" },
  { script: "printf 'b\\na\\nc\\n' | grep -v a | tr a-z A-Z" },
  { script: "false | true; echo rc=$?; true | false; echo rc=$?; x=1 | true; echo x=$x" },
  { script: "echo one | { cat; echo two; } | wc -l" },
  { script: "echo out | exit 3; echo after=$?" },
  // seq, head, tail.
  { script: "seq 3; seq 2 2 7; seq -s, 1 0.5 3; seq -w 8 10; seq 5 1; seq 3 -1 1 | tr -d '\\n'" },
  {
    script: "seq 20 | head -n 3; seq 20 | head -2; seq 20 | tail -n 2; seq 20 | tail -3; seq 5 | tail -n +4",
  },
  { script: "seq 3 > /tmp/a; seq 4 6 > /tmp/b; head -n 1 /tmp/a /tmp/b; tail -n 1 /tmp/a /tmp/b" },
  { script: "printf 'abcdef' | head -c 3; echo; head /nope; echo rc=$?; tail /nope; echo rc=$?" },
  // grep.
  {
    script: "printf 'alpha\\nBeta\\ngamma\\n' > /tmp/g; grep a /tmp/g; grep -i beta /tmp/g; grep -c a /tmp/g",
  },
  {
    script:
      "printf 'alpha\\nBeta\\n' > /tmp/g; grep -n '^B' /tmp/g; grep -q zeta /tmp/g; echo rc=$?; grep -x alpha /tmp/g",
  },
  {
    script:
      "printf 'a1\\nb22\\nc\\n' | grep -E '[0-9]+'; printf 'a1\\nb22\\n' | grep '2\\{2\\}'; printf 'x.y\\nxzy\\n' | grep -F x.y",
  },
  {
    script:
      "printf 'one\\ntwo\\n' > /tmp/h; grep o /tmp/h /tmp/h; grep -l t /tmp/h; grep x /nope; echo rc=$?",
  },
  { script: "printf 'ab\\ncd\\nef\\n' | grep -e ab -e ef; printf 'ab\\ncd\\n' | grep -ve ab" },
  {
    script:
      "printf 'a b\\nc\\n' | grep -w c; printf 'A\\n' | grep '[[:upper:]]'; echo x | grep -v x; echo rc=$?",
  },
  // wc, tr, cut.
  { script: "printf 'a b\\nc\\n' | wc; printf 'a b\\nc\\n' | wc -l; printf 'a b\\nc\\n' | wc -w -c" },
  { script: "printf 'a\\nb\\n' > /tmp/w; wc /tmp/w; wc -l /tmp/w /tmp/w; wc /nope; echo rc=$?" },
  {
    script:
      "echo Hello World | tr a-z A-Z; echo hello | tr -d l; echo 'a  b   c' | tr -s ' '; echo abc | tr abc x",
  },
  {
    script:
      "echo 'a:b:c:d' | cut -d: -f2; echo 'a:b:c:d' | cut -d : -f 1,3-; echo abcdef | cut -c 2-4; printf 'x\\ty\\n' | cut -f2",
  },
  { script: "echo 'no-delim' | cut -d: -f2; echo 'no-delim' | cut -s -d: -f2; echo 'a:b' | cut -d: -f-1" },
  // date, env, hostname.
  { script: "date -u -d @1700000000; date -u -d @0 +%s%%%j%e%T; date -d '2024-02-03 04:05:06' +%s" },
  {
    script: "date -u -d @1700000000 +'%a %A %b %B %d %D %F %H %I %k %l %m %M %p %S %u %w %y %Y %Z %z %C %R'",
  },
  { script: "date -u +%Y-%m-%d" },
  { script: "date -d bogus; echo rc=$?" },
  {
    script:
      "env | grep -e '^WHO='; X=1 env | grep '^X='; Y=2; env | grep -c '^Y='; export Y; env | grep '^Y='",
  },
  { script: "env" },
  { script: "env -i A=1 env; env -u WHO env | grep -c WHO" },
  { script: "hostname; echo $HOSTNAME" },
  // What the fake does not simulate says so; busybox's status is what counts.
  { script: "wget -q -O - http://127.0.0.1:1/; echo rc=$?", statusOnly: true },
  { script: "cat < /nope; echo rc=$?; echo in > /tmp/i; cat < /tmp/i" },
];

interface Result {
  stdout: string;
  stderr: string;
  status: number;
}

/** Every case in one container: its status, stdout and stderr, NUL-separated. */
const DRIVER = [
  'for c in "$@"; do',
  '  sh -c "$c" > /tmp/.out 2> /tmp/.err; rc=$?',
  "  printf '%s\\0' $rc; cat /tmp/.out; printf '\\0'; cat /tmp/.err; printf '\\0'",
  "done",
].join("\n");

const HOST = "shell-diff";
const ENV = { WHO: "fake" };

function parse(output: string): Result[] {
  const fields = output.split("\0");
  const results: Result[] = [];
  for (let k = 0; k + 2 < fields.length; k += 3) {
    results.push({ status: Number(fields[k]), stdout: fields[k + 1]!, stderr: fields[k + 2]! });
  }
  return results;
}

/** The fake runs the case one shell down, as the driver does, so SHLVL and the rest agree. */
function onFake(script: string, startedAt: number): Result {
  const context = {
    env: { PATH: "/bin", HOSTNAME: HOST, ...ENV, HOME: "/root" },
    files: {},
    startedAt,
  };
  const trace = runArgv(["sh", "-c", 'sh -c "$1"', "sh", script], context, 60_000);
  const text = (stream: 1 | 2) =>
    trace.lines
      .filter((line) => line.stream === stream)
      .map((line) => `${line.text}\n`)
      .join("");
  return { stdout: text(1), stderr: text(2), status: trace.exit?.code ?? -1 };
}

/** Busybox's last line may lack its newline, which the fake's lines do not record. */
const lines = (text: string) => (text.endsWith("\n") || text === "" ? text : `${text}\n`);

describe.skipIf(!engine || !hasCli)("the fake's shell against flotilla-test/busybox", () => {
  let real: Result[] = [];
  let startedAt = 0;

  beforeAll(async () => {
    const envArgs = Object.entries(ENV).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    startedAt = Date.now();
    const ran = await docker(`unix://${engine!.socketPath}`, [
      "run",
      "--rm",
      "--hostname",
      HOST,
      ...envArgs,
      IMAGE,
      "sh",
      "-c",
      DRIVER,
      "sh",
      ...CASES.map((c) => c.script),
    ]);
    expect(ran.stderr).toBe("");
    real = parse(ran.stdout);
    expect(real).toHaveLength(CASES.length);
  }, 120_000);

  it.each(CASES.map((c, index) => ({ ...c, index })))("$script", ({ script, statusOnly, index }) => {
    const busybox = real[index]!;
    const fake = onFake(script, startedAt);
    if (statusOnly) {
      expect(fake.status).toBe(busybox.status);
      expect(fake.stderr).toContain("not simulated in the fake");
      return;
    }
    expect({ ...fake }).toEqual({ ...busybox, stdout: lines(busybox.stdout), stderr: lines(busybox.stderr) });
  });
});
