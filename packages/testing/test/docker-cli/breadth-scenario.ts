import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { docker, type Ran } from "./run-docker.js";
import type { Step } from "./scenario.js";

// A second docker CLI session, wider than deep: what the allocator shows (published ports,
// virtual IPs, task network attachments, host-mode ports), the node's own networks beside the
// swarm's, network and service mistakes, a stack, and `docker ps` on a swarm node. Run against
// the real engine and against the fake; the transcripts must match once masked.

const sortLines = (stdout: string) => stdout.split("\n").filter(Boolean).sort().join("\n");

export interface BreadthOptions {
  dockerHost: string;
  /** Unique per run: every object is named and labelled with it. */
  prefix: string;
  image: string;
  /** Two published ports no other service on the engine holds. */
  ports: [number, number];
}

export async function runBreadth({ dockerHost, prefix, image, ports }: BreadthOptions): Promise<Step[]> {
  const steps: Step[] = [];
  const run = async (args: string[], until?: (r: Ran) => boolean, shape?: (stdout: string) => string) => {
    let ran = await docker(dockerHost, args);
    for (let i = 0; until && !until(ran) && i < 600; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      ran = await docker(dockerHost, args);
    }
    steps.push({
      command: `docker ${args.join(" ")}`,
      ran: { ...ran, stdout: shape ? shape(ran.stdout) : ran.stdout },
    });
    return ran;
  };
  const [ingressPort, hostPort] = ports;
  const net = `${prefix}-net`;
  const web = `${prefix}-web`;
  const missing = `${prefix}-missing`;

  // Networks: the engine's checks, its exact-name filter for swarm networks, sorted maps.
  await run(["network", "create", "-d", "overlay", "--subnet", "bogus", `${prefix}-bad`]);
  await run(["network", "create", "-d", "nosuchdriver", `${prefix}-bad`]);
  await run([
    "network",
    "create",
    "-d",
    "overlay",
    "--subnet",
    "10.251.0.0/24",
    "--gateway",
    "10.9.9.9",
    `${prefix}-bad`,
  ]);
  await run([
    "network",
    "create",
    "-d",
    "overlay",
    "--label",
    prefix,
    "--label",
    "z=1",
    "--label",
    "a=2",
    net,
  ]);
  await run(["network", "ls", "--filter", `name=${prefix}`, "--format", "{{.Name}}"]);
  await run(["network", "ls", "--filter", `name=${net}`, "--format", "{{.Name}} {{.Driver}} {{.Scope}}"]);
  await run(["network", "ls", "--filter", "type=builtin", "--format", "{{.Name}} {{.Driver}} {{.Scope}}"]);
  await run(["network", "ls", "--filter", "name=ingr", "--format", "{{.Name}} {{.Driver}} {{.Scope}}"]);
  await run(["network", "inspect", net, "--format", "{{json .Labels}} {{json .IPAM.Options}} {{.Scope}}"]);
  await run([
    "network",
    "inspect",
    "bridge",
    "--format",
    "{{.Name}} {{.Driver}} {{.Scope}} {{json .Options}}",
  ]);
  await run(["network", "rm", "bridge"]);

  // Services: refused endpoints, then one that publishes through ingress and on the host.
  const create = ["service", "create", "--detach", "--quiet", "--label", prefix];
  await run([...create, "--name", `${prefix}-in`, "--network", "ingress", image, "sleep", "600"]);
  await run([...create, "--name", `${prefix}-rr`, "--endpoint-mode", "dnsrr", "-p", "80", image]);
  await run([...create, "--name", `${prefix}_${"x".repeat(63)}`, image]);
  await run([
    ...create,
    "--name",
    web,
    "--replicas",
    "2",
    "--network",
    net,
    "--publish",
    `${ingressPort}:80`,
    "--publish",
    `mode=host,target=81,published=${hostPort}`,
    image,
    "sleep",
    "600",
  ]);
  await run([...create, "--name", `${prefix}-clash`, "--publish", `${ingressPort}:80`, image]);
  // `service inspect` asks for the engine's defaults to be filled in; nothing to allocate here.
  const plain = `${prefix}-plain`;
  await run([...create, "--name", plain, "--restart-condition", "none", "--update-parallelism", "2", image]);
  await run(["service", "inspect", plain, "--format", "{{json .Spec}} {{json .Endpoint}}"]);
  await run(["service", "rm", plain]);
  const settled = (r: Ran) => /Running Running/.test(r.stdout) && /Pending/.test(r.stdout);
  // Which slot gets the host port first is the engine's choice: lines are compared unordered.
  const ps = ["service", "ps", web, "--format", "{{.DesiredState}} {{.CurrentState}} {{.Error}} {{.Ports}}"];
  await run(ps, settled, sortLines);
  await run(["service", "ls", "--filter", `name=${web}`, "--format", "{{.Name}} {{.Replicas}} {{.Ports}}"]);
  await run(["service", "inspect", web, "--format", "{{json .Endpoint}}"]);
  await run(["service", "ps", web, "--filter", "desired-state=bogus"]);
  // The running task: where the allocator attached it, as `docker inspect` shows a task.
  const tasks = await run([
    "service",
    "ps",
    web,
    "--filter",
    "desired-state=running",
    "--quiet",
    "--no-trunc",
  ]);
  const taskIds = tasks.stdout.split("\n").filter(Boolean);
  const inspected: Ran[] = [];
  for (const id of taskIds) {
    inspected.push(
      await docker(dockerHost, [
        "inspect",
        id,
        "--format",
        "{{.Status.State}} {{range .NetworksAttachments}}{{.Network.Spec.Name}}:{{len .Addresses}} {{end}}{{json .Status.PortStatus}}",
      ]),
    );
  }
  steps.push({
    command: "docker inspect TASK... (each task of the service)",
    ran: {
      stdout: inspected
        .map((r) => r.stdout)
        .sort()
        .join(""),
      stderr: inspected.map((r) => r.stderr).join(""),
      code: Math.max(0, ...inspected.map((r) => r.code)),
    },
  });
  await run(
    [
      "ps",
      "--filter",
      `label=com.docker.swarm.service.name=${web}`,
      "--format",
      "{{.Image}} {{.Command}} {{.State}}",
    ],
    (r) => r.stdout.trim() !== "",
  );

  // Publishing more, then nothing: the engine hands back the ingress VIP.
  await run([
    "service",
    "update",
    "--detach",
    "--quiet",
    "--publish-rm",
    "80",
    "--publish-rm",
    "81",
    missing,
  ]);
  await run(["service", "update", "--detach", "--quiet", "--publish-rm", "80", "--publish-rm", "81", web]);
  await run(["service", "inspect", web, "--format", "{{json .Endpoint}}"]);
  await run(["network", "rm", net]);

  // A stack: names with underscores, network targets stored as IDs, tasks found by stack label.
  // One path per session, the same on both sides, so the transcripts name the same file.
  const dir = join(tmpdir(), `flotilla-stack-${prefix}`);
  mkdirSync(dir, { recursive: true });
  const compose = join(dir, "stack.yml");
  writeFileSync(
    compose,
    [
      'version: "3.8"',
      "services:",
      "  app:",
      `    image: ${image}`,
      "    command: sleep 600",
      "    networks: [front]",
      "    deploy:",
      `      labels: [${prefix}=stack]`,
      "networks:",
      "  front:",
      "    driver: overlay",
      "",
    ].join("\n"),
  );
  await run(["stack", "deploy", "--detach=true", "-c", compose, prefix]);
  await run(
    ["stack", "ls", "--format", "{{.Name}} {{.Services}}"],
    (r) => r.stdout.includes(prefix),
    // The engine is shared: `stack ls` cannot be filtered, so only this session's line is kept.
    (stdout) =>
      stdout
        .split("\n")
        .filter((line) => line.startsWith(prefix))
        .join("\n"),
  );
  await run(["stack", "ps", prefix, "--format", "{{.Name}} {{.DesiredState}} {{.CurrentState}}"], (r) =>
    /Running Running/.test(r.stdout),
  );
  await run(["service", "inspect", `${prefix}_app`, "--format", "{{json .Spec.TaskTemplate.Networks}}"]);
  await run(["stack", "rm", prefix]);
  return steps;
}

/** Everything the session may leave behind, removed whatever step it stopped at. */
export async function cleanUpBreadth(dockerHost: string, prefix: string): Promise<void> {
  await docker(dockerHost, ["stack", "rm", prefix]);
  const ids = (await docker(dockerHost, ["service", "ls", "--filter", `label=${prefix}`, "--quiet"])).stdout
    .split("\n")
    .filter(Boolean);
  if (ids.length) await docker(dockerHost, ["service", "rm", ...ids]);
  // Networks go once their services' tasks are gone (up to the 10s stop grace period).
  for (let i = 0; i < 120; i++) {
    const nets = (
      await docker(dockerHost, ["network", "ls", "--filter", `label=${prefix}`, "--quiet"])
    ).stdout
      .split("\n")
      .filter(Boolean);
    if (nets.length === 0) break;
    await docker(dockerHost, ["network", "rm", ...nets]);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
