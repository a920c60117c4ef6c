import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@flotilla/client";
import { createFakeSwarm } from "@flotilla/testing";

// Requests each write command sends, `flotilla` beside the docker CLI, counted by the fake swarm
// served on a unix socket (its call history), with --detach so no polling is counted: what a
// command costs before it waits. Both run as shipped: the built `flotilla` bin and `docker`.
// Usage: bench:write-trips [--json]   (DOCKER_CLI names the docker binary; /usr/local/bin/docker)

const docker = process.env.DOCKER_CLI ?? "/usr/local/bin/docker";
const flotillaBin = fileURLToPath(new URL("../../packages/cli/dist/bin.cjs", import.meta.url));
const image = "flotilla-test/busybox:latest";

/** The same change, as each tool words it (`web` is the service). */
const COMMANDS: { change: string; docker: string[]; flotilla: string[] }[] = [
  {
    change: "scale to 3",
    docker: ["service", "scale", "-d", "web=3"],
    flotilla: ["service", "scale", "web", "3", "-d"],
  },
  {
    change: "add an env variable",
    docker: ["service", "update", "-d", "--env-add", "A=1", "web"],
    flotilla: ["service", "update", "web", "--env-add", "A=1", "-d"],
  },
  {
    change: "replace every task",
    docker: ["service", "update", "-d", "--force", "web"],
    flotilla: ["service", "restart", "web", "-d"],
  },
  {
    change: "roll back",
    docker: ["service", "rollback", "-d", "web"],
    flotilla: ["service", "rollback", "web", "-d"],
  },
];

const dir = mkdtempSync(join(tmpdir(), "flotilla-bench-trips-"));
await using swarm = await createFakeSwarm({ nodes: 1, clock: "real", start: Date.now() });
const server = await swarm.listen({ socketPath: join(dir, "fake.sock") });
const env = { ...process.env, DOCKER_HOST: server.dockerHost, DOCKER_CONFIG: dir, NO_COLOR: "1" };
await using client = new Client({ transport: swarm.transport(), registryAuth: false });
await client.services.create(image, { name: "web", command: ["sleep", "3600"] });

const run = promisify(execFile);

/** The fake answers in this process, so the command runs beside it, never blocking it. */
async function requests(argv: readonly string[]): Promise<string[]> {
  swarm.clearCalls();
  await run(argv[0]!, argv.slice(1), { env });
  return swarm.calls.map((call) => `${call.method} ${call.path}`);
}

const rows: { change: string; docker: string[]; flotilla: string[] }[] = [];
for (const command of COMMANDS) {
  const byDocker = await requests([docker, ...command.docker]);
  const byFlotilla = await requests([process.execPath, flotillaBin, ...command.flotilla]);
  rows.push({ change: command.change, docker: byDocker, flotilla: byFlotilla });
}
rmSync(dir, { recursive: true, force: true });

if (process.argv.includes("--json")) {
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
} else {
  for (const row of rows) {
    const ratio = (row.flotilla.length / row.docker.length).toFixed(2);
    process.stdout.write(
      `${row.change}: flotilla ${row.flotilla.length}, docker ${row.docker.length} (${ratio}×)\n` +
        `  flotilla: ${row.flotilla.join(", ")}\n  docker:   ${row.docker.join(", ")}\n`,
    );
  }
}
