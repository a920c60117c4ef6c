import { describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";

// Requests a command makes, read from --debug's request log on the real engine.

const engine = inject("engine");
const session = engineSession(engine?.socketPath, "trips");

/** The `> METHOD /path` lines --debug writes, without the API version. */
async function requests(argv: string[]): Promise<string[]> {
  const result = await session.ok(["--debug", ...argv]);
  return [...result.stderr.matchAll(/^> (\w+) \/v[\d.]+(\/\S*)/gm)].map((m) => `${m[1]} ${m[2]}`);
}

describe.skipIf(!engine)("round trips", { timeout: 60_000 }, () => {
  it("stop and start send the spec they read as basedOn: no second read, even when pinned below 1.35", async () => {
    const name = session.service("based");
    await session.ok([
      "service",
      "create",
      name,
      engine!.images.current,
      "--cmd",
      "sleep 300",
      "--deploy",
      "-d",
    ]);
    for (const command of ["stop", "start"]) {
      // 1.34: the engine's reads carry fields (Isolation) gated at 1.35, so the client checks the
      // change against what was read: read again by itself, or taken from the command.
      const sent = await requests(["--api-version", "1.34", "service", command, name, "-d"]);
      const reads = sent.filter((r) => r.startsWith("GET /services/"));
      expect(sent.filter((r) => r.startsWith("POST /services/"))).toHaveLength(1);
      expect(reads, `${command}: ${sent.join(", ")}`).toHaveLength(1);
    }
  });

  it("service ls asks for tasks only when a service is short of running tasks", async () => {
    const name = session.service("ls");
    await session.ok(["service", "create", name, engine!.images.current, "--cmd", "sleep 300", "--deploy"]);
    const sent = await requests(["service", "ls", "--filter", `name=${name}`]);
    expect(sent).toContain("GET /services");
    expect(sent.filter((r) => r.startsWith("GET /tasks"))).toEqual([]);
  });
});
