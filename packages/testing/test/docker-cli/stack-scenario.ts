import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { docker } from "./run-docker.js";
import type { Step } from "./scenario.js";
import { sortLines, stepRunner } from "./session.js";

// A docker CLI session around one stack: a version 3 compose file whose services use deploy
// settings (replicas, global mode, resources, restart policy, update and rollback configs,
// placement, dnsrr), networks with labels and driver options, a secret, a config, a named volume
// and a published port; then `stack ls`, `services`, `ps`, a redeploy and `stack rm`.

export interface StackOptions {
  dockerHost: string;
  /** Unique per run: the stack's name. */
  prefix: string;
  images: { current: string; next: string };
  /** A published port no other service on the engine holds. */
  port: number;
}

function compose(image: string, port: number): string {
  return `version: "3.8"
services:
  web:
    image: ${image}
    command: ["sleep", "600"]
    environment:
      MODE: prod
    ports:
      - "${port}:80"
    networks: [front, back]
    secrets:
      - source: sec
        target: app-secret
    configs:
      - source: cfg
        target: /etc/app.conf
    volumes:
      - data:/data
      - type: tmpfs
        target: /tmp/t
    stop_grace_period: 1s
    labels:
      com.example.svc: web
    deploy:
      replicas: 2
      labels:
        com.example.deploy: web
      resources:
        limits: { cpus: "0.5", memory: 64M }
        reservations: { cpus: "0.01", memory: 8M }
      restart_policy: { condition: on-failure, delay: 2s, max_attempts: 3, window: 30s }
      update_config: { parallelism: 2, delay: 1s, failure_action: rollback, monitor: 2s, order: start-first, max_failure_ratio: 0.2 }
      rollback_config: { parallelism: 1, order: stop-first }
      placement:
        constraints: [node.role == manager]
        preferences: [{ spread: node.id }]
        max_replicas_per_node: 3
  worker:
    image: ${image}
    command: sh -c "echo started; sleep 600"
    stop_grace_period: 1s
    networks: [back]
    deploy:
      mode: global
      endpoint_mode: dnsrr
  idle:
    image: ${image}
    deploy:
      replicas: 0
networks:
  front:
    driver: overlay
    attachable: true
    labels: [tier=front]
  back:
    driver: overlay
    driver_opts:
      encrypted: ""
volumes:
  data:
    labels: { kept: "yes" }
secrets:
  sec:
    file: ./secret.txt
configs:
  cfg:
    file: ./app.conf
`;
}

export async function runStack({ dockerHost, prefix, images, port }: StackOptions): Promise<Step[]> {
  const steps: Step[] = [];
  const run = stepRunner(dockerHost, steps);
  // One path per session, the same on both sides, so the transcripts name the same file.
  const dir = join(tmpdir(), `flotilla-stack-${prefix}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "secret.txt"), "s3cret\n");
  writeFileSync(join(dir, "app.conf"), "key=value\n");
  const file = join(dir, "compose.yml");
  writeFileSync(file, compose(images.current, port));
  const mine = `label=com.docker.stack.namespace=${prefix}`;

  // The CLI creates networks and services in Go's map order: lines are compared unordered.
  await run(["stack", "deploy", "--detach=true", "-c", file, prefix], { shape: sortLines });
  await run(["stack", "ls", "--format", "{{.Name}} {{.Services}}"], {
    // `stack ls` cannot be filtered, and the engine is shared: this stack's line only.
    shape: (stdout) =>
      sortLines(
        stdout
          .split("\n")
          .filter((line) => line.startsWith(`${prefix} `))
          .join("\n"),
      ),
  });
  await run(
    ["stack", "services", prefix, "--format", "{{.Name}} {{.Mode}} {{.Replicas}} {{.Image}} {{.Ports}}"],
    {
      until: (r) => r.stdout.includes("2/2") && r.stdout.includes("1/1"),
    },
  );
  await run(
    [
      "stack",
      "ps",
      prefix,
      "--format",
      "{{.Name}} {{.Image}} {{.DesiredState}} {{.CurrentState}} {{.Error}}",
    ],
    {
      shape: sortLines,
    },
  );
  await run(["stack", "ps", prefix, "--filter", "desired-state=running", "-q"]);
  for (const service of ["web", "worker", "idle"]) {
    await run(["service", "inspect", `${prefix}_${service}`, "--format", "{{json .Spec}}"]);
  }
  await run(["service", "inspect", "--pretty", `${prefix}_web`]);
  for (const network of ["front", "back", "default"]) {
    await run([
      "network",
      "inspect",
      `${prefix}_${network}`,
      "--format",
      "{{json .Labels}} {{.Attachable}} {{json .Options}} {{.Driver}} {{.Scope}}",
    ]);
  }
  await run(["secret", "ls", "--filter", mine, "--format", "{{.Name}} {{.Labels}}"]);
  await run(["config", "inspect", `${prefix}_cfg`, "--format", "{{json .Spec}}"]);
  await run(["network", "ls", "--filter", mine, "--format", "{{.Name}} {{.Driver}}"]);

  // Deploying again updates every service; --prune removes what left the file (nothing here).
  await run(["stack", "deploy", "--detach=true", "--prune", "-c", file, prefix], { shape: sortLines });
  await run(["stack", "services", `${prefix}-none`]);
  await run(["stack", "ps", `${prefix}-none`]);
  await run(["stack", "rm", prefix], { shape: sortLines });
  await run(["stack", "ls", "--format", "{{.Name}}"], {
    until: (r) => !r.stdout.split("\n").includes(prefix),
    shape: (stdout) =>
      stdout
        .split("\n")
        .filter((line) => line === prefix)
        .join("\n"),
  });
  return steps;
}

/** Everything the session may leave behind, removed whatever step it stopped at. */
export async function cleanUpStack(dockerHost: string, prefix: string): Promise<void> {
  await docker(dockerHost, ["stack", "rm", prefix]);
  for (let i = 0; i < 60; i++) {
    const ls = await docker(dockerHost, [
      "network",
      "ls",
      "--filter",
      `label=com.docker.stack.namespace=${prefix}`,
      "--quiet",
    ]);
    if (ls.stdout.trim() === "") break;
    await docker(dockerHost, ["stack", "rm", prefix]);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // The named volume stays on the node once the containers that used it are gone.
  for (let i = 0; i < 60; i++) {
    const rm = await docker(dockerHost, ["volume", "rm", `${prefix}_data`]);
    if (rm.code === 0 || /no such volume/i.test(rm.stderr)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
