import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";
import { type CliResult, fakeSwarm, flotilla, type RunOptions } from "./harness.js";

// Sentences where the engine's texts were printed raw (issue 22 items 9 and 10), on the real
// engine and the fake swarm: what the user reads, and under --debug the engine's own words too.

const engine = inject("engine");

interface Target {
  run(argv: string[], stdin?: string): Promise<CliResult>;
  /** As run, with the harness's signal and onStdout, for a command that runs until stopped. */
  follow(argv: string[], options: RunOptions): Promise<CliResult>;
  name(what: string): string;
  /** Removed after the file's tests. */
  service(what: string): string;
  /** A secret's name, removed after the file's tests (after the services that use it). */
  secret(what: string): string;
  image: string;
}

/**
 * `engineOnly`: what the fake swarm does not yet do as the engine does (it takes a secret linked
 * twice, and serves logs of a `--log-driver none` service): those tests are defined for the engine
 * alone, not defined and skipped on the fake.
 */
function messages(
  label: string,
  open: () => Promise<Target & { close(): Promise<void> }>,
  { skip = false, engineOnly = false } = {},
) {
  describe.skipIf(skip)(`messages on ${label}`, { timeout: 90_000 }, () => {
    let target: Target & { close(): Promise<void> };
    afterAll(() => target?.close());
    const opened = async () => {
      target ??= await open();
      return target;
    };

    it("a name in use: a sentence, and the engine's words under --debug", async () => {
      const t = await opened();
      const name = t.service("taken");
      expect((await t.run(["service", "create", name, t.image])).code).toBe(0);
      const again = await t.run(["service", "create", name, t.image]);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(
        `flotilla: a service named "${name}" already exists; choose another name or remove it first\n`,
      );
      const debug = await t.run(["--debug", "service", "create", name, t.image]);
      expect(debug.stderr).toMatch(
        /^flotilla: as reported: rpc error: code = AlreadyExists desc = .*already exists$/m,
      );
    });

    if (engineOnly)
      it("a secret linked twice: says it is already linked, and as which file", async () => {
        const t = await opened();
        const secret = t.secret("pw");
        const name = t.service("secret");
        expect((await t.run(["service", "create", name, t.image])).code).toBe(0);
        expect((await t.run(["secret", "create", secret, "-"], "s3cret")).code).toBe(0);
        expect((await t.run(["service", "secret", "link", name, secret])).code).toBe(0);
        const twice = await t.run(["service", "secret", "link", name, secret]);
        expect(twice.stderr).toBe(
          `flotilla: secret "${secret}" is already linked to this service as /run/secrets/${secret}\n`,
        );
      });

    it("a deploy whose command keeps exiting 0: says so, not the tasks' last state", async () => {
      const t = await opened();
      const name = t.service("exits");
      const deploy = await t.run([
        ...["service", "create", name, t.image, "--cmd", "true", "--restart-delay", "1s"],
        ...["--deploy", "--timeout", "12"],
      ]);
      expect(deploy.code).toBe(3);
      expect(deploy.stderr).toMatch(
        /^flotilla: not converged after 12000 ms \(0\/1 running\); its command keeps ending \(exit code 0, \d+ times?\) and swarm starts it again: a service's command must keep running$/m,
      );
      expect(deploy.stderr).not.toMatch(/: prepared/);
    });

    if (engineOnly)
      it("service logs of a --log-driver none service says why it prints nothing", async () => {
        const t = await opened();
        const name = t.service("nolog");
        const created = await t.run([
          ...["service", "create", name, t.image, "--cmd", "sh -c 'echo hi; sleep 300'"],
          ...["--log-driver", "none", "--deploy", "-d"],
        ]);
        expect(created.code).toBe(0);
        const logs = await t.run(["service", "logs", name]);
        expect(logs).toMatchObject({ code: 0, stdout: "" });
        expect(logs.stderr).toMatch(
          /^flotilla: service ".*" logs to the "none" driver: the engine keeps no logs of it to show/,
        );
      });

    it("monitor of a stopped service counts as service ls does", async () => {
      const t = await opened();
      const name = t.service("stopped");
      await t.run(["service", "create", name, t.image, "--cmd", "sleep 300", "--instances", "2", "--deploy"]);
      expect((await t.run(["service", "stop", name])).code).toBe(0);
      const ls = await t.run(["service", "ls", "--filter", `name=${name}`, "--format", "{{.Replicas}}"]);
      expect(ls.stdout).toBe("0/2\n");
      // Not on a terminal: one frame per interval; the first is enough.
      const frame = await firstFrame(t, name);
      expect(frame).toMatch(new RegExp(`^${name} {2}replicated, 0/2, stopped`, "m"));
    });

    it("show lists cap-add/drop and log options", async () => {
      const t = await opened();
      const name = t.service("shown");
      await t.run([
        ...["service", "create", name, t.image, "--cap-add", "NET_ADMIN", "--cap-drop", "CHOWN"],
        ...["--log-driver", "json-file", "--log-opt", "max-size=1m"],
      ]);
      const show = await t.run(["service", "show", name]);
      expect(show.stdout).toContain("  cap add:\n    - NET_ADMIN\n  cap drop:\n    - CHOWN\n");
      expect(show.stdout).toContain("  log driver: json-file\n  log options:\n    - max-size=1m\n");
    });
  });
}

/** `service monitor`'s first frame, stopped as Ctrl-C would. */
async function firstFrame(target: Target, name: string): Promise<string> {
  const stop = new AbortController();
  let seen = "";
  await target.follow(["service", "monitor", name, "--interval", "1"], {
    signal: stop.signal,
    onStdout: (text) => {
      seen += text;
      if (seen.includes("(every")) stop.abort();
    },
  });
  return seen;
}

messages("the fake swarm", async () => {
  // No image behaviour: commands run through the fake's shell, as busybox would.
  const swarm = await fakeSwarm({ images: {} });
  const transport = swarm.transport();
  return {
    run: (argv: string[], stdin?: string) => flotilla(argv, { transport, stdin }),
    follow: (argv: string[], options: RunOptions) => flotilla(argv, { transport, ...options }),
    name: (what: string) => what,
    service: (what: string) => what,
    secret: (what: string) => what,
    image: "flotilla-test/busybox:latest",
    close: () => swarm.close(),
  };
});

const session = engineSession(engine?.socketPath, "messages");
messages(
  "the real engine",
  async () => ({
    run: (argv: string[], stdin?: string) => session.run(argv, stdin),
    follow: (argv: string[], options: RunOptions) => flotilla(argv, { env: session.env, ...options }),
    name: (what: string) => session.name(what),
    service: (what: string) => session.service(what),
    secret: (what: string) => {
      const secret = session.name(what);
      session.cleanUp(["secret", "rm", secret]);
      return secret;
    },
    image: engine!.images.current,
    close: async () => {},
  }),
  { skip: !engine, engineOnly: true },
);

describe("messages without an engine", () => {
  it("--grid naming a missing context: no internal path", async () => {
    const home = mkdtempSync(join(tmpdir(), "flotilla-grid-"));
    try {
      const result = await flotilla(["--grid", "nosuch", "service", "ls"], {
        env: { HOME: home, DOCKER_CONFIG: join(home, ".docker") },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'flotilla: no docker context named "nosuch" (given by --context or --grid); `flotilla context ls` lists them\n',
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("env add of a bare name says what is missing", async () => {
    const swarm = await fakeSwarm();
    try {
      const transport = swarm.transport();
      await flotilla(["service", "create", "web", "flotilla-test/busybox:latest"], { transport });
      const result = await flotilla(["service", "env", "add", "web", "NOEQ"], { transport, env: {} });
      expect(result.stderr).toBe(
        'flotilla: <KEY=VALUE>: "NOEQ" has no "=VALUE", and no NOEQ is set in this shell to pass on; write NOEQ=VALUE\n',
      );
    } finally {
      await swarm.close();
    }
  });

  it("--rollback-failure-action offers only what it takes", async () => {
    const help = await flotilla(["service", "create", "--help"]);
    expect(help.stdout).toMatch(/--rollback-failure-action <action>\s+pause or continue\n/);
    const refused = await flotilla([
      "service",
      "create",
      "x",
      "img",
      "--rollback-failure-action",
      "rollback",
    ]);
    expect(refused.code).toBe(2);
  });
});
