import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, inject, it } from "vitest";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";

// docker-py (Debian's python3-docker, which scripts/engine-up.sh installs) runs each session in
// test/docker-py/ against the real engine and against the fake; the masked steps must be equal.
// Without docker-py this fails where an engine is required, as in CI.
//   session.py: version, info, swarm, secrets, configs, a network, a service's life, errors.
//   wider.py: mounts and endpoint specs as docker-py builds them, list order and filters, a
//     network's endpoints, a stale version, scaling down and up, token rotation.
//   roundtrip.py: update_swarm and update_node round trips, twice each, the bodies read raw.
//   history.py: the task history through scaling, Service.update, update_service, force_update.

const engine = inject("engine");
// Debian's python, where Debian's python3-docker is: a `python3` found first on PATH may be
// another one (pyenv's, say) with or without its own docker-py.
const PYTHON = "/usr/bin/python3";
const hasDockerPy = spawnSync(PYTHON, ["-c", "import docker"]).status === 0;
const required = process.env.FLOTILLA_REQUIRE_ENGINE === "1";

interface Session {
  script: string;
  /** What follows DOCKER_HOST and PREFIX on the script's command line. */
  args(images: { current: string; next: string }, port: number): string[];
  /** Published ports come from a range of the suite's that no other test uses. */
  ports: { from: number; count: number };
  /** For one run of the script. */
  timeoutMs: number;
  /** The last steps: what the script found left over once it had cleaned up. */
  leftOver: Record<string, unknown>[];
}

const CLEAN = [{ "left over": [] }, { "volume left over": [] }];
const NO_PORTS = { from: 0, count: 1 };

const SESSIONS: Session[] = [
  {
    script: "session.py",
    args: ({ current, next }, port) => [current, next, String(port)],
    ports: { from: 24000, count: 2000 },
    timeoutMs: 90_000,
    leftOver: CLEAN,
  },
  {
    script: "wider.py",
    args: ({ current }, port) => [current, String(port)],
    ports: { from: 28000, count: 1500 },
    timeoutMs: 150_000,
    leftOver: CLEAN,
  },
  {
    script: "roundtrip.py",
    args: () => [],
    ports: NO_PORTS,
    timeoutMs: 60_000,
    leftOver: [{ "node label left over": null }, { "node spec kept": true }],
  },
  {
    script: "history.py",
    args: ({ current, next }) => [current, next],
    ports: NO_PORTS,
    timeoutMs: 200_000,
    leftOver: [{ "shut down": 8 }, { "left over": [] }],
  },
];

async function run(session: Session, host: string, prefix: string, port: number) {
  const script = fileURLToPath(new URL(`./docker-py/${session.script}`, import.meta.url));
  // -B: no __pycache__ left beside the scripts.
  const { stdout } = await promisify(execFile)(
    PYTHON,
    ["-B", script, host, prefix, ...session.args(engine!.images, port)],
    { timeout: session.timeoutMs },
  );
  return JSON.parse(stdout) as Record<string, unknown>[];
}

describe
  .skipIf(!engine || (!hasDockerPy && !required))
  .concurrent("docker-py on the real engine and on the fake", () => {
    const fakes: FakeSwarm[] = [];
    afterAll(() => Promise.all(fakes.map((fake) => fake.close())));

    for (const session of SESSIONS) {
      it(`takes the same steps with the same answers: ${session.script}`, {
        timeout: 2 * session.timeoutMs + 20_000,
      }, async ({ expect }) => {
        expect(hasDockerPy, "python3-docker is not installed (see scripts/engine-up.sh)").toBe(true);
        const prefix = `fpy-${Math.random().toString(36).slice(2, 8)}`;
        const port = session.ports.from + Math.floor(Math.random() * session.ports.count);
        const real = await run(session, `unix://${engine!.socketPath}`, prefix, port);
        const fake = await createFakeSwarm({
          clock: "real",
          start: Date.now(),
          timings: { step: 5, stop: 10 },
        });
        fakes.push(fake);
        const server = await fake.listen({ socketPath: `/tmp/${prefix}.sock` });
        const onFake = await run(session, server.dockerHost, prefix, port);
        expect(onFake.map((s) => Object.keys(s)[0])).toEqual(real.map((s) => Object.keys(s)[0]));
        for (const [i, step] of real.entries()) {
          const name = Object.keys(step)[0]!;
          // As printed: key order included.
          expect.soft(JSON.stringify(onFake[i]), name).toBe(JSON.stringify(step));
        }
        expect(real.slice(-session.leftOver.length)).toEqual(session.leftOver);
      });
    }
  });
