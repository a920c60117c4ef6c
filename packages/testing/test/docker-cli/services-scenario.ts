import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { docker, type Ran } from "./run-docker.js";
import type { Step } from "./scenario.js";
import { sortLines, stepRunner } from "./session.js";

// A third docker CLI session: the flags of `service create` and `service update` beyond the first
// session's, global services and jobs, scaling down and up (swarmkit's remove and dead slots),
// `service ps` filters, the generic `docker inspect`, and an overlay network with tasks on it.

export interface ServicesOptions {
  dockerHost: string;
  /** Unique per run: every object is named and labelled with it. */
  prefix: string;
  images: { current: string; next: string };
}

const count = (pattern: RegExp, n: number) => (r: Ran) => (r.stdout.match(pattern) ?? []).length === n;

/** "3x Running Running": how many tasks are in each desired and current state. */
function tally(stdout: string): string {
  const counts = new Map<string, number>();
  for (const line of stdout.split("\n").filter(Boolean)) {
    const key = line.split(" ").slice(0, 2).join(" ");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([key, n]) => `${n}x ${key}`)
    .sort()
    .join("\n");
}

export async function runServices({ dockerHost, prefix, images }: ServicesOptions): Promise<Step[]> {
  const steps: Step[] = [];
  const run = stepRunner(dockerHost, steps);
  const image = images.current;
  const create = ["service", "create", "--detach", "--quiet", "--label", prefix, "--stop-grace-period", "1s"];
  const specOf = (name: string) => run(["service", "inspect", name, "--format", "{{json .Spec}}"]);
  const ls = (name: string, until: (r: Ran) => boolean) =>
    run(["service", "ls", "--filter", `name=${name}`, "--format", "{{.Name}} {{.Mode}} {{.Replicas}}"], {
      until,
    });
  const net = `${prefix}-net`;
  const rich = `${prefix}-rich`;
  const web = `${prefix}-web`;

  await run(["network", "create", "-d", "overlay", "--label", prefix, net]);
  await run(["secret", "create", "--label", prefix, `${prefix}-sec`, "-"], { stdin: "s3cret" });
  await run(["config", "create", "--label", prefix, "--template-driver", "golang", `${prefix}-cfg`, "-"], {
    stdin: "name={{ .Service.Name }}",
  });
  await run(["secret", "inspect", `${prefix}-sec`]);
  await run(["config", "inspect", `${prefix}-cfg`]);
  // Tables without their CREATED and UPDATED columns: how long ago is the run's timing.
  const table = "table {{.ID}}\t{{.Name}}\t{{.Labels}}";
  await run(["secret", "ls", "--filter", `label=${prefix}`, "--format", `${table}\t{{.Driver}}`]);
  await run(["config", "ls", "--filter", `label=${prefix}`, "--format", table]);
  await run(["network", "ls", "--filter", `label=${prefix}`, "--format", "{{.Name}} {{.Driver}} {{.Scope}}"]);
  // A new swarm network shows its driver once the allocator has run.
  await run(["network", "inspect", net], { until: (r) => r.stdout.includes(`"Driver": "overlay"`) });

  // The swarm's settings and the node's availability re-applied as they are (a shared engine's
  // stay as found): what `swarm update` and `node update` print, and what is stored after.
  const limit = await docker(dockerHost, [
    "info",
    "--format",
    "{{.Swarm.Cluster.Spec.Orchestration.TaskHistoryRetentionLimit}}",
  ]);
  await run(["swarm", "update", "--task-history-limit", limit.stdout.trim()]);
  await run(["info", "--format", "{{json .Swarm.Cluster.Spec}}"]);
  await run(["node", "update", "--availability", "active", "self"]);
  await run([
    "node",
    "inspect",
    "self",
    "--format",
    "{{.Spec.Role}} {{.Spec.Availability}} {{.Status.State}}",
  ]);
  await run([
    "node",
    "ls",
    "--filter",
    "role=manager",
    "--format",
    "{{.Self}} {{.Status}} {{.Availability}}",
  ]);

  // Every mode: global, replicated and global jobs.
  await run([...create, "--name", `${prefix}-global`, "--mode", "global", image, "sleep", "600"]);
  await ls(`${prefix}-global`, (r) => r.stdout.includes("1/1"));
  await run(
    [...create, "--name", `${prefix}-job`, "--mode", "replicated-job", "--replicas", "2"].concat([
      "--max-concurrent",
      "1",
      image,
      "true",
    ]),
  );
  await ls(`${prefix}-job`, (r) => r.stdout.includes("(2/2 completed)"));
  await run(["service", "inspect", "--pretty", `${prefix}-job`]);
  await run([...create, "--name", `${prefix}-gjob`, "--mode", "global-job", image, "true"]);
  await ls(`${prefix}-gjob`, (r) => r.stdout.includes("(1/1 completed)"));

  // A spec with most of what `service create` can say.
  const envFile = join(tmpdir(), `${prefix}.env`);
  writeFileSync(envFile, "A=1\n# a comment\nB=two words\n");
  await run([
    ...create,
    ...["--name", rich, "--env-file", envFile, "--dns", "10.0.0.2", "--dns-search", "example.com"],
    ...["--dns-option", "ndots:2", "--cap-add", "NET_ADMIN", "--cap-drop", "MKNOD"],
    ...["--sysctl", "net.core.somaxconn=1024", "--ulimit", "nofile=1024:2048", "--read-only", "--init"],
    ...["--host", "db:10.1.2.3", "--group", "wheel", "--entrypoint", "sh -c", "--tty"],
    ...[
      "--with-registry-auth",
      "--no-resolve-image",
      "--replicas-max-per-node",
      "2",
      "--stop-signal",
      "SIGUSR1",
    ],
    ...["--mount", `type=volume,source=${prefix}-vol,target=/data,volume-label=a=b,volume-nocopy`],
    ...["--mount", "type=bind,source=/tmp,target=/host,readonly,bind-propagation=rprivate"],
    ...[
      "--mount",
      "type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1777",
      "--publish",
      "published=0,target=90",
    ],
    ...["--limit-cpu", "0.5", "--reserve-memory", "10M", "--generic-resource", "gpu=1"],
    ...["--restart-delay", "3s", "--restart-window", "1m", "--update-max-failure-ratio", "0.3"],
    ...["--rollback-delay", "2s", "--rollback-failure-action", "continue", "--rollback-order", "start-first"],
    ...[
      "--log-driver",
      "json-file",
      "--log-opt",
      "max-size=1m",
      "--hostname",
      "h",
      "--container-label",
      "x=y",
    ],
    ...["--secret", `source=${prefix}-sec,target=app,mode=0400`, "--config", `${prefix}-cfg`],
    image,
    "echo hi; sleep 600",
  ]);
  await specOf(rich);
  await run(["service", "inspect", "--pretty", rich]);
  // No node offers a GPU: the task waits.
  await run(["service", "ps", rich, "--no-trunc", "--format", "{{.DesiredState}} {{.Error}}"], {
    until: (r) => r.stdout.includes("no suitable node"),
  });

  // `service update`, one kind of flag at a time, and what each leaves in the spec.
  await run([...create, "--name", web, "--replicas", "2", image, "sleep", "600"]);
  await ls(web, (r) => r.stdout.includes("2/2"));
  const update = (...args: string[]) => run(["service", "update", "--detach", ...args, web]);
  const field = (template: string) => run(["service", "inspect", web, "--format", template]);
  await update(
    "--mount-add",
    `type=volume,source=${prefix}-vol,target=/data`,
    "--mount-add",
    "type=tmpfs,target=/t",
  );
  await update("--mount-rm", "/data");
  await update("--secret-add", `source=${prefix}-sec,target=tgt`, "--config-add", `${prefix}-cfg`);
  await field("{{json .Spec.TaskTemplate.ContainerSpec}}");
  await update("--secret-rm", `${prefix}-sec`, "--config-rm", `${prefix}-cfg`);
  await update("--network-add", net, "--label-add", "a=1", "--label-add", "b");
  await update(
    "--label-rm",
    "a",
    "--constraint-add",
    "node.role==manager",
    "--constraint-add",
    "node.labels.x!=y",
  );
  await update("--constraint-rm", "node.labels.x!=y", "--publish-add", "8080:80", "--group-add", "g");
  await field(
    "{{json .Spec.Labels}} {{json .Spec.TaskTemplate.Placement}} {{json .Spec.TaskTemplate.Networks}}",
  );
  await update("--publish-rm", "8080:80", "--group-rm", "g", "--network-rm", net);
  await field("{{json .Spec.TaskTemplate}} {{json .Spec.EndpointSpec}}");
  await update("--image", images.next);
  await run(["service", "update", "--detach", "--rollback", web]);
  await field(
    "{{.Spec.TaskTemplate.ContainerSpec.Image}} {{.PreviousSpec.TaskTemplate.ContainerSpec.Image}}",
  );
  await update("--secret-add", `${prefix}-nosec`);
  await update("--network-add", `${prefix}-nonet`);
  await run(["service", "update", "--detach", "--replicas", "1", `${prefix}-nope`]);
  // An image by digest (on a service without tasks: no registry can give it).
  const digest = `${prefix}-digest`;
  await run([...create, "--name", digest, "--replicas", "0", image]);
  await run(["service", "update", "--detach", "--image", `busybox@sha256:${"a".repeat(64)}`, digest]);
  await run(["service", "inspect", digest, "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}"]);

  // Scaling down sets the removed slots' tasks to desired state Remove: they are deleted once
  // stopped, their history stays until the next reconcile. Which slots go is swarmkit's choice
  // among equally loaded ones, so only states are compared.
  const slots = `${prefix}-slots`;
  await run([
    ...create,
    "--name",
    slots,
    "--replicas",
    "3",
    "--update-parallelism",
    "0",
    image,
    "sleep",
    "600",
  ]);
  const states = ["service", "ps", slots, "--format", "{{.DesiredState}} {{.CurrentState}}"];
  await run(states, { until: count(/Running Running/g, 3), shape: tally });
  await run(["service", "update", "--detach", "--force", slots]);
  await run(states, {
    until: (r) => count(/Running Running/g, 3)(r) && count(/Shutdown/g, 6)(r),
    shape: tally,
  });
  await run(["service", "scale", "--detach", `${slots}=1`]);
  await run(states, {
    until: (r) => !r.stdout.includes("Remove") && count(/Running/g, 2)(r),
    shape: tally,
  });
  // Scaling up reuses the lowest dead slot, with its history, and deletes the other one.
  await run(["service", "scale", "--detach", `${slots}=2`]);
  await run(states, { until: count(/Running Running/g, 2), shape: tally });
  await run(["service", "ps", slots, "--format", "{{.Name}}"], {
    shape: (s) => `${new Set(s.split("\n").filter(Boolean)).size} slots`,
  });

  // `service ps` filters and the generic inspect, by name, of every kind of swarm object.
  await run([
    "service",
    "ps",
    slots,
    "--filter",
    "node=self",
    "--filter",
    "desired-state=running",
    "--format",
    "{{.DesiredState}}",
  ]);
  await run([
    "service",
    "ps",
    slots,
    "--filter",
    `name=${slots}.1`,
    "--filter",
    "desired-state=running",
    "-q",
  ]);
  await run(["service", "ps", slots, "--filter", "id=zzz", "-q"]);
  await run(["service", "ps", slots, "--filter", "bogus=1"]);
  await run([
    "service",
    "ps",
    slots,
    `${prefix}-missing`,
    "--filter",
    "desired-state=running",
    "--format",
    "{{.DesiredState}}",
  ]);
  await run([
    "service",
    "ls",
    "--filter",
    "mode=global",
    "--filter",
    `label=${prefix}`,
    "--format",
    "{{.Name}}",
  ]);
  for (const name of [web, `${prefix}-sec`, `${prefix}-cfg`]) {
    await run(["inspect", name, "--format", "{{.Spec.Name}}"]);
  }
  await run(["inspect", net, "--format", "{{.Name}} {{.Driver}} {{.Scope}}"]);
  await run(["inspect", "--type", "task", `${prefix}-nothing`]);
  await run(["node", "ls", "--filter", "role=manager", "--format", "{{.Status}} {{.ManagerStatus}}"]);
  await run(["node", "ls", "--filter", "role=bogus"]);

  // An overlay network with tasks running on this node: their endpoints, the node's load
  // balancer and the node as a peer; with -v, the service's VIP and tasks.
  await run([
    ...create,
    "--name",
    `${prefix}-on-net`,
    "--replicas",
    "2",
    "--network",
    net,
    "--publish",
    "published=0,target=80",
    image,
    "sh",
    "-c",
    "echo ready; sleep 600",
  ]);
  await ls(`${prefix}-on-net`, (r) => r.stdout.includes("2/2"));
  // `docker ps` quotes the arguments that hold spaces.
  await run(
    [
      "ps",
      "--no-trunc",
      "--filter",
      `label=com.docker.swarm.service.name=${prefix}-on-net`,
      "--format",
      "{{.Command}} {{.Image}} {{.State}}",
    ],
    { until: (r) => r.stdout.trim().split("\n").length === 2, shape: sortLines },
  );
  // Go prints a map in key order, and the keys are container IDs: one line each, sorted.
  const endpoints = "{{range .Containers}}{{println .Name .IPv4Address .MacAddress .IPv6Address}}{{end}}";
  await run(["network", "inspect", net, "--format", `${endpoints}{{len .Peers}} peer`], {
    until: (r) => r.stdout.includes(`${net}-endpoint`),
    shape: sortLines,
  });
  const services =
    "{{range $name, $s := .Services}}{{println $name $s.VIP (len $s.Tasks) (len $s.Ports)}}{{end}}";
  await run(["network", "inspect", "-v", net, "--format", services]);
  // Ingress, which other services on the shared engine use too: this session's lines only.
  const ours = (stdout: string) =>
    sortLines(
      stdout
        .split("\n")
        .filter((line) => line.startsWith(prefix) || line.startsWith("ingress-") || line.startsWith(" "))
        .join("\n"),
    );
  await run(["network", "inspect", "ingress", "--format", "{{range .Containers}}{{println .Name}}{{end}}"], {
    shape: ours,
  });
  const ingress = "{{range $name, $s := .Services}}{{println $name (len $s.Tasks) $s.Ports}}{{end}}";
  await run(["network", "inspect", "-v", "ingress", "--format", ingress], { shape: ours });
  await run(["service", "rm", `${prefix}-on-net`]);
  await run(["network", "inspect", net, "--format", "{{json .Containers}} {{json .Peers}}"], {
    until: (r) => r.stdout.startsWith("null"),
  });
  return steps;
}

/** Everything the session may leave behind, removed whatever step it stopped at. */
export async function cleanUpServices(dockerHost: string, prefix: string): Promise<void> {
  for (const kind of ["service", "secret", "config", "network"]) {
    for (let i = 0; i < 60; i++) {
      const ls = await docker(dockerHost, [kind, "ls", "--filter", `label=${prefix}`, "--quiet"]);
      const ids = ls.stdout.split("\n").filter(Boolean);
      if (ids.length === 0) break;
      await docker(dockerHost, [kind, "rm", ...ids]);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  // The engine leaves the containers of a removed job's tasks behind.
  const containers = await docker(dockerHost, ["ps", "--all", "--quiet", "--filter", `name=${prefix}-`]);
  const ids = containers.stdout.split("\n").filter(Boolean);
  if (ids.length) await docker(dockerHost, ["rm", "--force", ...ids]);
  // The named volume stays on the node once the containers that used it are gone.
  for (let i = 0; i < 60; i++) {
    const rm = await docker(dockerHost, ["volume", "rm", `${prefix}-vol`]);
    if (rm.code === 0 || /no such volume/i.test(rm.stderr)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
