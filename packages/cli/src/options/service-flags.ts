import { type Command, Option } from "commander";
import { REFUSED_OPTIONS } from "./refused.js";

// The options `create` and `update` share: Kontena's names first, then the docker CLI's for what
// Kontena had no word for. `update` adds the docker CLI's -add/-rm deltas.

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** What commander hands the spec builder; every list option is collected, every value a string. */
export interface ServiceFlags {
  ports?: string[];
  env?: string[];
  link?: string[];
  volume?: string[];
  affinity?: string[];
  memory?: string;
  cmd?: string;
  instances?: string;
  replicas?: string;
  user?: string;
  stateful?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  net?: string;
  logDriver?: string;
  logOpt?: string[];
  deployStrategy?: string;
  deployMinHealth?: string;
  secret?: string[];
  mode?: string;
  constraint?: string[];
  placementPref?: string[];
  label?: string[];
  containerLabel?: string[];
  mount?: string[];
  network?: string[];
  hostname?: string;
  workdir?: string;
  entrypoint?: string;
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthRetries?: string;
  healthStartPeriod?: string;
  /** False for --no-healthcheck. */
  healthcheck?: boolean;
  restartCondition?: string;
  restartDelay?: string;
  restartMaxAttempts?: string;
  restartWindow?: string;
  limitCpu?: string;
  limitMemory?: string;
  reserveCpu?: string;
  reserveMemory?: string;
  image?: string;
  envAdd?: string[];
  envRm?: string[];
  labelAdd?: string[];
  labelRm?: string[];
  publishAdd?: string[];
  publishRm?: string[];
  constraintAdd?: string[];
  constraintRm?: string[];
  mountAdd?: string[];
  mountRm?: string[];
  networkAdd?: string[];
  networkRm?: string[];
  secretAdd?: string[];
  secretRm?: string[];
  [rolloutOption: `${"update" | "rollback"}${string}`]: string | undefined;
}

export function addServiceFlags(command: Command, kind: "create" | "update"): Command {
  command
    .option("-p, --ports <port>", "publish a port: [published:]target[/protocol] (repeatable)", collect)
    .option("-e, --env <KEY=VALUE>", "environment variable (repeatable)", collect)
    .option("-l, --link <service[:alias]>", "reach another service by name or alias (repeatable)", collect)
    .option("-v, --volume <[source:]target[:ro]>", "volume or bind mount (repeatable)", collect)
    .option(
      "-a, --affinity <rule>",
      "placement rule: node==NAME, label==KEY=VALUE, != to avoid (repeatable)",
      collect,
    )
    .option("-m, --memory <bytes>", "memory limit (512m, 1g)")
    .option("--cmd <command>", "command the image runs")
    .option("--instances <n>", "number of instances")
    .option("--replicas <n>", "number of instances (as the docker CLI names it)")
    .option("-u, --user <user>", "user the container runs as")
    .option("--cap-add <capability>", "add a Linux capability (repeatable)", collect)
    .option("--cap-drop <capability>", "drop a Linux capability (repeatable)", collect)
    .option("--net <network>", "network to attach to (Kontena's name for --network)")
    .option("--log-driver <driver>", "logging driver")
    .option("--log-opt <KEY=VALUE>", "logging driver option (repeatable)", collect)
    .option("--deploy-strategy <strategy>", "ha (spread over zones), random, or daemon (one per node)")
    .option("--deploy-min-health <fraction>", "share of instances kept running during a deploy (0.8)")
    .option("--secret <SECRET[:FILE]>", "give the service a swarm secret as a file (repeatable)", collect)
    .option("--constraint <expression>", "placement constraint (repeatable)", collect)
    .option("--placement-pref <pref>", "placement preference, spread=node.labels.KEY (repeatable)", collect)
    .option("--label <KEY=VALUE>", "service label (repeatable)", collect)
    .option("--container-label <KEY=VALUE>", "container label (repeatable)", collect)
    .option(
      "--mount <spec>",
      "mount in long form: type=volume,source=NAME,target=/path (repeatable)",
      collect,
    )
    .option("--network <network>", "network to attach to (repeatable)", collect)
    .option("--hostname <name>", "container hostname")
    .option("--workdir <dir>", "working directory")
    .option("--entrypoint <command>", "override the image's entrypoint")
    .option("--health-cmd <command>", "command run to check health")
    .option("--health-interval <duration>", "time between health checks")
    .option("--health-timeout <duration>", "time one health check may take")
    .option("--health-retries <n>", "failures before unhealthy")
    .option("--health-start-period <duration>", "grace period before failures count")
    .option("--no-healthcheck", "disable the image's health check")
    .option("--restart-condition <condition>", "none, on-failure or any")
    .option("--restart-delay <duration>", "delay between restarts")
    .option("--restart-max-attempts <n>", "restarts before giving up")
    .option("--restart-window <duration>", "window used to count restarts")
    .option("--limit-cpu <cpus>", "CPU limit (0.5)")
    .option("--limit-memory <bytes>", "memory limit (512m)")
    .option("--reserve-cpu <cpus>", "CPUs reserved (0.5)")
    .option("--reserve-memory <bytes>", "memory reserved (256m)");
  for (const phase of ["update", "rollback"] as const) {
    command
      .option(`--${phase}-parallelism <n>`, `tasks changed at once during ${phase}`)
      .option(`--${phase}-delay <duration>`, `delay between ${phase} batches`)
      .option(`--${phase}-failure-action <action>`, "pause, continue or rollback")
      .option(`--${phase}-monitor <duration>`, `time to watch each task after ${phase}`)
      .option(`--${phase}-max-failure-ratio <fraction>`, `failures tolerated during ${phase}`)
      .option(`--${phase}-order <order>`, "stop-first or start-first");
  }
  for (const refused of REFUSED_OPTIONS)
    command.addOption(new Option(refused.flags, "not supported by swarm").hideHelp());
  if (kind === "create") {
    command
      .option("--mode <mode>", "replicated or global")
      .option("--stateful", "give each instance its own volume for every -v /path");
    return command;
  }
  return command
    .option("--image <image>", "image to run")
    .option("--env-add <KEY=VALUE>", "add or change an environment variable (repeatable)", collect)
    .option("--env-rm <KEY>", "remove an environment variable (repeatable)", collect)
    .option("--label-add <KEY=VALUE>", "add or change a service label (repeatable)", collect)
    .option("--label-rm <KEY>", "remove a service label (repeatable)", collect)
    .option("--publish-add <port>", "publish a port (repeatable)", collect)
    .option("--publish-rm <target[/protocol]>", "stop publishing a target port (repeatable)", collect)
    .option("--constraint-add <expression>", "add a placement constraint (repeatable)", collect)
    .option("--constraint-rm <expression>", "remove a placement constraint (repeatable)", collect)
    .option("--mount-add <spec>", "add a mount (repeatable)", collect)
    .option("--mount-rm <target>", "remove the mount at a target path (repeatable)", collect)
    .option("--network-add <network>", "attach to a network (repeatable)", collect)
    .option("--network-rm <network>", "detach from a network (repeatable)", collect)
    .option("--secret-add <SECRET[:FILE]>", "add a secret (repeatable)", collect)
    .option("--secret-rm <SECRET>", "remove a secret (repeatable)", collect);
}

/** --detach and --timeout, on every command that waits. */
export function addWaitFlags(command: Command): Command {
  return command
    .option("-d, --detach", "do not wait for the service to converge")
    .option("--timeout <seconds>", "give up waiting after this long (seconds, or 2m)", "300")
    .option("-q, --quiet", "print no progress");
}
