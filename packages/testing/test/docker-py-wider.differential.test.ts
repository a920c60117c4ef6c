import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createFakeSwarm, type FakeSwarm } from "../src/index.js";

// The second docker-py session (test/docker-py/wider.py: mounts and endpoint specs as docker-py
// builds them, list order and filters, a network's endpoints, a stale version, scaling down and
// up, token rotation) against the real engine and against the fake; the steps must be equal.

const engine = inject("engine");
const SESSION = fileURLToPath(new URL("./docker-py/wider.py", import.meta.url));
// Debian's python, where Debian's python3-docker is (see docker-py.differential.test.ts).
const PYTHON = "/usr/bin/python3";
const hasDockerPy = spawnSync(PYTHON, ["-c", "import docker"]).status === 0;
const required = process.env.FLOTILLA_REQUIRE_ENGINE === "1";

async function session(host: string, prefix: string, port: number): Promise<Record<string, unknown>[]> {
  const { stdout } = await promisify(execFile)(
    PYTHON,
    [SESSION, host, prefix, engine!.images.current, String(port)],
    {
      timeout: 150_000,
    },
  );
  return JSON.parse(stdout);
}

describe.skipIf(!engine || (!hasDockerPy && !required))(
  "a wider docker-py session on the real engine and on the fake",
  () => {
    const prefix = `fpw-${Math.random().toString(36).slice(2, 8)}`;
    let fake: FakeSwarm | undefined;
    afterAll(() => fake?.close());

    it("takes the same steps with the same answers", { timeout: 300_000 }, async () => {
      expect(hasDockerPy, "python3-docker is not installed (see scripts/engine-up.sh)").toBe(true);
      // A published port from a range the rest of the suite leaves alone.
      const port = 28000 + Math.floor(Math.random() * 1500);
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
