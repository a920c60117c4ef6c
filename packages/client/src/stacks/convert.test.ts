import { describe, expect, it } from "vitest";
import { planStack } from "./plan.js";

// Conversions the parity test (test/stacks) cannot show, because `docker stack deploy` refuses
// or never meets them: keys only the Compose Specification has, and the fallbacks.

async function spec(yaml: string, env: Record<string, string> = {}) {
  const plan = await planStack("st", yaml, { env, workingDir: "/srv" });
  return plan.services.get("web")!;
}

describe("convertService", () => {
  it("takes dns_opt into DNSConfig.Options", async () => {
    const s = await spec("services:\n  web:\n    image: a\n    dns_opt: [ndots:2]\n");
    expect(s.TaskTemplate?.ContainerSpec?.DNSConfig).toEqual({ Options: ["ndots:2"] });
  });

  it.each([
    ["always", { Condition: "any" }],
    ["unless-stopped", { Condition: "any" }],
    ["on-failure:3", { Condition: "on-failure", MaxAttempts: 3 }],
    ["no", undefined],
  ])("reads restart: %s as a fallback restart policy", async (restart, policy) => {
    const s = await spec(`services:\n  web:\n    image: a\n    restart: "${restart}"\n`);
    expect(s.TaskTemplate?.RestartPolicy).toEqual(policy);
  });

  it("prefers deploy.restart_policy over restart", async () => {
    const s = await spec(
      "services:\n  web:\n    image: a\n    restart: always\n    deploy: { restart_policy: { condition: none } }\n",
    );
    expect(s.TaskTemplate?.RestartPolicy).toEqual({ Condition: "none" });
  });

  it("gives external objects their own names and the stack's the prefix", async () => {
    const plan = await planStack(
      "st",
      `services:
  web:
    image: a
    networks: [outside, inside]
    volumes: [old:/old, new:/new]
networks:
  outside: { external: true, name: shared-net }
  inside: {}
volumes:
  old: { external: true }
  new: { name: exactly-this }
`,
      { env: {} },
    );
    const web = plan.services.get("web")!;
    expect(web.TaskTemplate?.Networks).toEqual([
      { Target: "shared-net", Aliases: ["web"] },
      { Target: "st_inside", Aliases: ["web"] },
    ]);
    expect(plan.externalNetworks).toEqual(["shared-net"]);
    expect(plan.networks.map((n) => n.body.Name)).toEqual(["st_inside"]);
    expect(web.TaskTemplate?.ContainerSpec?.Mounts).toEqual([
      { Type: "volume", Target: "/old", Source: "old", VolumeOptions: {} },
      {
        Type: "volume",
        Target: "/new",
        Source: "exactly-this",
        VolumeOptions: { Labels: { "com.docker.stack.namespace": "st" } },
      },
    ]);
  });

  it("adds CAP_, lets add win over drop, and ALL over the rest", async () => {
    const s = await spec(
      "services:\n  web:\n    image: a\n    cap_add: [net_admin, ALL]\n    cap_drop: [NET_ADMIN, chown]\n",
    );
    expect(s.TaskTemplate?.ContainerSpec?.CapabilityAdd).toEqual(["ALL"]);
    expect(s.TaskTemplate?.ContainerSpec?.CapabilityDrop).toEqual(["CAP_CHOWN", "CAP_NET_ADMIN"]);
  });

  it.each([
    [
      "services:\n  web:\n    image: a\n    deploy: { mode: global, replicas: 2 }\n",
      "services.web.deploy.replicas: goes only with mode replicated",
    ],
    [
      "services:\n  web:\n    image: a\n    deploy: { mode: sometimes }\n",
      'services.web.deploy.mode: "sometimes" is not',
    ],
    [
      "services:\n  web:\n    image: a\n    secrets: [nope]\n",
      'services.web.secrets[0]: no top-level secret "nope"',
    ],
    [
      "services:\n  web:\n    image: a\n    healthcheck: { test: [CMD, x], disable: true }\n",
      "test and disable cannot both be set",
    ],
    [
      "services:\n  web:\n    image: a\n    configs: [{ source: c, target: /x }, { source: d, target: /x }]\nconfigs:\n  c: { external: true }\n  d: { external: true }\n",
      "two configs have the target /x",
    ],
  ])("refuses %j", async (yaml, message) => {
    await expect(spec(yaml)).rejects.toThrow(message);
  });
});
