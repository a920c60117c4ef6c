import { docker, dockerUntil, type Ran } from "./run-docker.js";

// One session at a shell, driven by the real docker CLI: swarm, nodes, a service with a rich spec
// through its whole life, secrets, configs, networks, and the usual mistakes. It is run against
// the real engine and against the fake; each step's transcript must come out the same.

export interface ScenarioOptions {
  dockerHost: string;
  /** Unique prefix for every object made, so a shared engine is left as it was found. */
  prefix: string;
  images: { current: string; next: string };
  /** The web service's stop grace period. CI uses 1s; `null` leaves the flag out (engine default, 10s). */
  stopGracePeriod?: string | null;
  /**
   * Pass `--detach` to service create and scale, as CI does (default). `false` types the commands
   * as an operator does, so the CLI waits for convergence as it does by default.
   */
  detach?: boolean;
}

export interface Step {
  command: string;
  ran: Ran;
}

const LOG_LINES = ["hello from the log service", "a second line"];
const LOG_ERR = "and one on stderr";
export async function runScenario({
  dockerHost,
  prefix,
  images,
  stopGracePeriod = "1s",
  detach = true,
}: ScenarioOptions): Promise<Step[]> {
  const steps: Step[] = [];
  const detached = detach ? ["--detach"] : [];
  const web = `${prefix}-web`;
  const log = `${prefix}-log`;
  const run = async (args: string[], options: { stdin?: string; until?: (r: Ran) => boolean } = {}) => {
    let ran = await docker(dockerHost, args, options);
    // Convergence takes a while on either side: ask again until it shows, as a person would.
    for (let i = 0; options.until && !options.until(ran) && i < 600; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      ran = await docker(dockerHost, args, options);
    }
    steps.push({ command: `docker ${args.join(" ")}`, ran });
    return ran;
  };
  const converged = (want: string) => (r: Ran) => r.stdout.trim() === want;
  const mine = `label=${prefix}`;

  // The swarm and its one node.
  await run(["swarm", "init"]);
  await run([
    "info",
    "--format",
    "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.Managers}}",
  ]);
  await run([
    "swarm",
    "inspect",
    "--format",
    "{{.Spec.Orchestration.TaskHistoryRetentionLimit}} {{.Spec.Dispatcher.HeartbeatPeriod}}",
  ]);
  await run(["node", "ls"]);
  await run([
    "node",
    "inspect",
    "self",
    "--format",
    "{{.Spec.Role}} {{.Spec.Availability}} {{.Status.State}} {{.ManagerStatus.Leader}}",
  ]);
  await run(["node", "update", "--label-add", `${prefix}.zone=a`, "self"]);
  await run(["node", "inspect", "self", "--format", `{{index .Spec.Labels "${prefix}.zone"}}`]);
  await run(["node", "update", "--label-rm", `${prefix}.zone`, "self"]);
  await run(["node", "inspect", "self", "--format", `{{index .Spec.Labels "${prefix}.zone"}}`]);

  // Secrets, configs and a network for the service to use.
  await run(["secret", "create", "--label", prefix, `${prefix}-sec`, "-"], { stdin: "s3cret" });
  await run(["config", "create", "--label", prefix, `${prefix}-cfg`, "-"], { stdin: "key=value\n" });
  await run(["network", "create", "--driver", "overlay", "--attachable", "--label", prefix, `${prefix}-net`]);
  await run(["secret", "ls", "--filter", mine]);
  await run(["config", "ls", "--filter", mine, "--format", "{{.Name}} {{.Labels}}"]);
  await run(["network", "ls", "--filter", mine, "--format", "{{.Name}} {{.Driver}} {{.Scope}}"]);
  await run([
    "secret",
    "inspect",
    `${prefix}-sec`,
    "--format",
    "{{.Spec.Name}} {{json .Spec.Labels}} {{.Spec.Data}}",
  ]);
  await run(["config", "inspect", "--pretty", `${prefix}-cfg`]);

  // A service with a rich spec, through its life.
  await run([
    "service",
    "create",
    ...detached,
    "--name",
    web,
    "--replicas",
    "2",
    "--label",
    prefix,
    "--container-label",
    "tier=web",
    "--env",
    "MODE=test",
    "--workdir",
    "/tmp",
    "--user",
    "1000:1000",
    "--hostname",
    "{{.Service.Name}}-{{.Task.Slot}}",
    "--secret",
    `${prefix}-sec`,
    "--config",
    `source=${prefix}-cfg,target=/etc/app.conf,mode=0444`,
    "--network",
    `${prefix}-net`,
    "--mount",
    "type=tmpfs,target=/scratch",
    "--constraint",
    "node.role==manager",
    "--placement-pref",
    "spread=node.id",
    "--limit-memory",
    "64M",
    "--reserve-cpu",
    "0.01",
    "--restart-condition",
    "on-failure",
    "--restart-max-attempts",
    "3",
    ...(stopGracePeriod === null ? [] : ["--stop-grace-period", stopGracePeriod]),
    "--update-parallelism",
    "2",
    "--update-delay",
    "0s",
    "--update-monitor",
    "200ms",
    "--update-failure-action",
    "rollback",
    "--update-order",
    "start-first",
    "--rollback-parallelism",
    "2",
    "--rollback-monitor",
    "200ms",
    images.current,
    "sleep",
    "600",
  ]);
  await run(["service", "ls", "--filter", mine], { until: (r) => r.stdout.includes("2/2") });
  await run([
    "service",
    "ps",
    web,
    "--filter",
    "desired-state=running",
    "--format",
    "{{.Name}} {{.Image}} {{.DesiredState}} {{.CurrentState}} {{.Error}}",
  ]);
  await run(["service", "inspect", "--pretty", web]);
  await run(["service", "inspect", web, "--format", "{{json .Spec}}"]);
  await run(["service", "scale", ...detached, `${web}=3`]);
  await run(["service", "ls", "--filter", mine, "--format", "{{.Name}} {{.Mode}} {{.Replicas}}"], {
    until: converged(`${web} replicated 3/3`),
  });
  // The CLI builds the new Env from a Go map, so its order varies from run to run: count it instead.
  await run(["service", "update", "--image", images.next, "--env-add", "STAGE=2", web]);
  await run([
    "service",
    "inspect",
    web,
    "--format",
    '{{.Spec.TaskTemplate.ContainerSpec.Image}} {{.UpdateStatus.State}} {{len .Spec.TaskTemplate.ContainerSpec.Env}}{{range .Spec.TaskTemplate.ContainerSpec.Env}}{{if eq . "STAGE=2"}} STAGE=2{{end}}{{end}}',
  ]);
  await run(["service", "rollback", web]);
  await run([
    "service",
    "inspect",
    web,
    "--format",
    "{{.Spec.TaskTemplate.ContainerSpec.Image}} {{.UpdateStatus.State}} {{.UpdateStatus.Message}}",
  ]);
  await run(
    [
      "service",
      "ps",
      web,
      "--filter",
      "desired-state=running",
      "--format",
      "{{.Name}} {{.Image}} {{.CurrentState}}",
    ],
    {
      until: (r) => r.stdout.trim().split("\n").length === 3 && !r.stdout.includes(":next"),
    },
  );

  // Logs from a service that prints, multiplexed and (with a TTY) raw.
  await run([
    "service",
    "create",
    ...detached,
    "--name",
    log,
    "--label",
    prefix,
    "--network",
    `${prefix}-net`,
    images.next,
    "sh",
    "-c",
    `echo ${LOG_ERR} >&2; sleep 0.2; echo ${LOG_LINES[0]}; echo ${LOG_LINES[1]}; sleep 600`,
  ]);
  await run(["service", "logs", "--no-trunc", log], {
    until: (r) => r.stdout.includes(LOG_LINES[1]!) && r.stderr.includes(LOG_ERR),
  });
  await run(["service", "logs", "--raw", "--tail", "1", log]);
  await run(["service", "logs", "--no-task-ids", "--no-resolve", "--details", log]);
  const followed = await dockerUntil(dockerHost, ["service", "logs", "--follow", "--raw", log], (out) =>
    out.includes(LOG_LINES[1]!),
  );
  steps.push({
    command: `docker service logs --follow --raw ${log} (until the second line, then ^C)`,
    ran: followed,
  });

  // Mistakes, answered by the engine (or by the CLI from what the engine said).
  await run(["swarm", "join-token", "--quiet", "nope"]);
  await run(["service", "inspect", `${prefix}-nope`]);
  await run(["service", "create", ...detached, "--name", web, images.current]);
  await run([
    "service",
    "create",
    ...detached,
    "--name",
    `${prefix}-bad`,
    "--mode",
    "global",
    "--replicas",
    "2",
    images.current,
  ]);
  await run([
    "service",
    "create",
    ...detached,
    "--name",
    `${prefix}-bad`,
    "--secret",
    `${prefix}-nosecret`,
    images.current,
  ]);
  await run([
    "service",
    "create",
    ...detached,
    "--name",
    `${prefix}-bad`,
    "--network",
    `${prefix}-nonet`,
    images.current,
  ]);
  await run([
    "service",
    "create",
    ...detached,
    "--name",
    `${prefix}-bad`,
    "--constraint",
    "node.role=manager",
    images.current,
  ]);
  await run(["service", "scale", `${prefix}-nope=2`]);
  await run(["service", "rollback", log]);
  await run(["service", "logs", `${prefix}-nope`]);
  await run(["secret", "create", `${prefix}-sec`, "-"], { stdin: "again" });
  await run(["network", "rm", `${prefix}-net`]);
  await run(["node", "rm", "self"]);
  await run(["node", "update", "--availability", "sideways", "self"]);

  // Tidy up, as the last words of the transcript.
  await run(["service", "rm", web, log]);
  await run(["service", "ls", "--filter", mine, "--quiet"], { until: (r) => r.stdout.trim() === "" });
  await run(["secret", "rm", `${prefix}-sec`]);
  await run(["config", "rm", `${prefix}-cfg`]);
  await run(["network", "rm", `${prefix}-net`], { until: (r) => r.code === 0 });
  await run(["secret", "ls", "--filter", mine, "--quiet"]);
  return steps;
}

/** Removes whatever a failed run left behind on a shared engine. */
export async function cleanUp(dockerHost: string, prefix: string): Promise<void> {
  const ls = async (kind: string) =>
    (await docker(dockerHost, [kind, "ls", "--filter", `label=${prefix}`, "--quiet"])).stdout
      .split("\n")
      .filter(Boolean);
  for (const kind of ["service", "secret", "config", "network"]) {
    const ids = await ls(kind);
    if (ids.length) await docker(dockerHost, [kind, "rm", ...ids]);
  }
  await docker(dockerHost, ["node", "update", "--label-rm", `${prefix}.zone`, "self"]);
}
