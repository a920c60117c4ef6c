import { createHash, randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";

// Kontena's `--secret SECRET:NAME:env` with --secrets-in-env, against the real engine: the
// process sees the secret as $NAME, though neither the spec nor the output holds it (the
// container prints only its SHA-256). Names are unique per run; what is made is removed.
const engine = inject("engine");
const { run, ok, service, name, cleanUp } = engineSession(engine?.socketPath, "secretenv");

async function until<T>(read: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe.skipIf(!engine)("secrets as environment variables on the real engine", () => {
  it("gives the secret to the process as $NAME, and only with --secrets-in-env", {
    timeout: 120_000,
  }, async () => {
    const secret = name("password");
    const value = randomBytes(12).toString("hex");
    cleanUp(["secret", "rm", secret]); // after the service (clean-ups run last first)
    await ok(["secret", "create", secret, "-"], value);
    const web = service("web");
    const command = `sh -c 'printf %s "$DB_PASSWORD" | sha256sum; exec sleep 3600'`;
    const refused = await run([
      "service",
      "create",
      web,
      engine!.images.current,
      "--secret",
      `${secret}:DB_PASSWORD:env`,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^flotilla: --secret SECRET:NAME:env needs --secrets-in-env: /);
    await ok([
      "service",
      "create",
      web,
      engine!.images.current,
      "--secret",
      `${secret}:DB_PASSWORD:env`,
      "--secrets-in-env",
      "--cmd",
      command,
      "--deploy",
      "-q",
      "--timeout",
      "60",
    ]);
    const digest = createHash("sha256").update(value).digest("hex");
    const printed = await until(async () => {
      const logs = await ok(["service", "logs", web]);
      return /[0-9a-f]{64}/.exec(logs.stdout)?.[0];
    }, 30_000);
    expect(printed).toBe(digest);
    const inspected = (await ok(["service", "inspect", web])).stdout;
    expect(inspected).not.toContain(value);
  });

  it("runs the image's own command under the wrapper when none is given", { timeout: 60_000 }, async () => {
    const secret = name("token");
    cleanUp(["secret", "rm", secret]);
    await ok(["secret", "create", secret, "-"], randomBytes(8).toString("hex"));
    const plain = service("plain");
    await ok([
      "service",
      "create",
      plain,
      engine!.images.current,
      "--secret",
      `${secret}:TOKEN:env`,
      "--secrets-in-env",
    ]);
    const [inspected] = JSON.parse((await ok(["service", "inspect", plain])).stdout);
    const container = inspected.Spec.TaskTemplate.ContainerSpec;
    expect(container.Command).toEqual([
      "/bin/sh",
      "-c",
      'TOKEN="$(cat /run/secrets/flotilla-env-TOKEN)" && export TOKEN && exec "$@"',
      "flotilla-secret-env",
    ]);
    expect(container.Args).toEqual(["/bin/sh"]);
    // Removing the last such secret unwraps the entrypoint (the image's again: none in the spec).
    await ok(["service", "update", plain, "--secret-rm", secret]);
    const [after] = JSON.parse((await ok(["service", "inspect", plain])).stdout);
    expect(after.Spec.TaskTemplate.ContainerSpec.Command).toBeUndefined();
    expect(after.Spec.TaskTemplate.ContainerSpec.Secrets).toBeUndefined();
  });
});
