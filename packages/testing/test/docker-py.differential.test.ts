import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";

// docker-py (Debian's python3-docker, which scripts/engine-up.sh installs) runs one session
// (test/docker-py/session.py) against the real engine and against the fake; the masked steps
// must be equal. Without docker-py this fails where an engine is required, as in CI.

const engine = inject("engine");
const SESSION = fileURLToPath(new URL("./docker-py/session.py", import.meta.url));
// Debian's python, where Debian's python3-docker is: a `python3` found first on PATH may be
// another one (pyenv's, say) with or without its own docker-py.
const PYTHON = "/usr/bin/python3";
const hasDockerPy = spawnSync(PYTHON, ["-c", "import docker"]).status === 0;
const required = process.env.FLOTILLA_REQUIRE_ENGINE === "1";

async function session(host: string, prefix: string, port: number): Promise<Record<string, unknown>[]> {
  const { current, next } = engine!.images;
  const { stdout } = await promisify(execFile)(PYTHON, [SESSION, host, prefix, current, next, String(port)], {
    timeout: 90_000,
  });
  return JSON.parse(stdout);
}

describe.skipIf(!engine || (!hasDockerPy && !required))(
  "docker-py on the real engine and on the fake",
  () => {
    const prefix = `fpy-${Math.random().toString(36).slice(2, 8)}`;
    let fake: FakeSwarm | undefined;
    afterAll(() => fake?.close());

    it("takes the same steps with the same answers", { timeout: 200_000 }, async () => {
      expect(hasDockerPy, "python3-docker is not installed (see scripts/engine-up.sh)").toBe(true);
      // A published port from a range the rest of the suite leaves alone.
      const port = 24000 + Math.floor(Math.random() * 2000);
      const real = await session(`unix://${engine!.socketPath}`, prefix, port);
      fake = await createFakeSwarm({ clock: "real", start: Date.now(), timings: { step: 5, stop: 10 } });
      const server = await fake.listen({ socketPath: `/tmp/${prefix}.sock` });
      const onFake = await session(server.dockerHost, prefix, port);
      expect(onFake.map((s) => Object.keys(s)[0])).toEqual(real.map((s) => Object.keys(s)[0]));
      for (const [i, step] of real.entries()) {
        expect.soft(onFake[i], Object.keys(step)[0]).toEqual(step);
      }
      expect(real.slice(-2)).toEqual([{ "left over": [] }, { "volume left over": [] }]);
    });
  },
);
