// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose files write their variables ${VAR}.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeSwarm } from "@flotilla/testing";
import { ValidationError } from "@flotilla/types";
import { describe, expect, it } from "vitest";
import { Client } from "../client.js";

// A bad file, an unset required variable, a secret file that cannot be read or an external object
// that is missing is refused before anything is created: the swarm is left as it was.

function composeFile(yaml: string): string {
  const folder = mkdtempSync(join(tmpdir(), "flotilla-stack-refusal-"));
  writeFileSync(join(folder, "present.txt"), "here\n");
  const file = join(folder, "compose.yml");
  writeFileSync(file, yaml);
  return file;
}

const ok = "services:\n  web:\n    image: flotilla-test/busybox:latest\n    command: [sleep, '60']\n";

describe("stacks.deploy refuses before sending anything", () => {
  it.each([
    [
      "an unset required variable",
      `${ok}    environment:\n      - A=\${A:?A is needed}\n`,
      "required variable A is missing a value: A is needed",
    ],
    [
      "a secret file that does not exist",
      `${ok}    secrets: [s]\nsecrets:\n  s: { file: ./absent.txt }\n`,
      "secrets.s.file: cannot read",
    ],
    [
      "a config file that does not exist",
      `${ok}    configs: [c]\nconfigs:\n  c: { file: ./absent.txt }\n`,
      "configs.c.file: cannot read",
    ],
    [
      "an external network that does not exist",
      `${ok}    networks: [n]\nnetworks:\n  n: { external: true, name: absent-network-x1 }\n`,
      'external network "absent-network-x1" does not exist',
    ],
    [
      "an external secret that does not exist",
      `${ok}    secrets: [s]\nsecrets:\n  s: { external: true, name: absent-secret-x1 }\n`,
      'external secret "absent-secret-x1" does not exist',
    ],
    [
      "a service naming an undeclared network",
      `${ok}    networks: [nope]\n`,
      "services.web.networks.nope: is not a network of the file",
    ],
    [
      "a second service with a bad value",
      `${ok}  db:\n    image: a\n    deploy: { replicas: -1 }\n`,
      "services.db.deploy.replicas",
    ],
  ])("%s", async (_what, yaml, message) => {
    await using swarm = await createFakeSwarm({ nodes: 1 });
    await using client = new Client({ transport: swarm.transport(), registryAuth: false });
    const before = await Promise.all([
      client.raw("GET /networks"),
      client.raw("GET /secrets"),
      client.raw("GET /configs"),
    ]);
    const file = composeFile(yaml);
    const error = await client.stacks.deploy("refused", [file], { env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain(message);
    if (!message.startsWith("external")) expect((error as Error).message).toContain(`compose file ${file}`);
    expect(await client.raw("GET /services")).toEqual([]);
    const after = await Promise.all([
      client.raw("GET /networks"),
      client.raw("GET /secrets"),
      client.raw("GET /configs"),
    ]);
    expect(after).toEqual(before);
  });

  it("refuses an unknown resolveImage and a bad stack name", async () => {
    await using swarm = await createFakeSwarm({ nodes: 1 });
    await using client = new Client({ transport: swarm.transport(), registryAuth: false });
    await expect(client.stacks.deploy("s", ok, { resolveImage: "sometimes" as "always" })).rejects.toThrow(
      'resolveImage: "sometimes" is not always, changed or never',
    );
    await expect(client.stacks.deploy("-bad", ok)).rejects.toThrow("invalid stack name");
  });

  it("deploys, lists and removes on the fake, naming objects as docker does", async () => {
    await using swarm = await createFakeSwarm({
      nodes: 1,
      clock: "real",
      start: Date.now(),
      timings: { step: 5, stop: 10 },
    });
    await using client = new Client({ transport: swarm.transport(), registryAuth: false });
    const file = composeFile(`${ok}    secrets: [s]\nsecrets:\n  s: { file: ./present.txt }\n`);
    const result = await client.stacks.deploy("app", [file], { env: {} });
    expect(result.services.map((s) => [s.name, s.created])).toEqual([["app_web", true]]);
    expect(await client.stacks.list()).toEqual([{ name: "app", services: 1 }]);
    const [service] = await client.stacks.services("app");
    expect(service?.attrs.Spec?.Labels).toEqual({
      "com.docker.stack.namespace": "app",
      "com.docker.stack.image": "flotilla-test/busybox:latest",
    });
    expect((await client.raw("GET /networks")).map((n) => n.Name)).toContain("app_default");
    expect((await client.raw("GET /secrets")).map((s) => s.Spec?.Name)).toEqual(["app_s"]);
    expect((await client.stacks.tasks("app")).length).toBeGreaterThan(0);
    const again = await client.stacks.deploy("app", [file], { env: {} });
    expect(again.services.map((s) => s.created)).toEqual([false]);
    expect(await client.stacks.remove("app")).toBe(true);
    expect(await client.stacks.remove("app")).toBe(false);
    expect(await client.stacks.list()).toEqual([]);
  });
});
