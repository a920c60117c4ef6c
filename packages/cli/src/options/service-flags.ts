import type { EndpointPortConfig, Mount } from "@flotilla/types";
import { type Command, Option } from "commander";
import { REFUSED_OPTIONS } from "./refused.js";
import type { SecretReference } from "./secrets.js";
import { typed } from "./typed-option.js";

// The options `create` and `update` share: Kontena's names first, then the docker CLI's for what
// Kontena had no word for. `update` adds the docker CLI's -add/-rm deltas. Each value that is
// more than free text is marked with how it is read (typed-option.ts): the action receives it
// read, as ServiceFlags says, and a bad one never reaches the action.

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function option(flags: string, description: string, parse?: typeof collect): Option {
  const made = new Option(flags, description);
  return parse ? made.argParser(parse) : made;
}

/** Each value as the spec builder receives it: read by its kind (option-values.ts), lists collected. */
type PlacementPreference = { Spread: { SpreadDescriptor: string } };

export interface ServiceFlags {
  ports?: EndpointPortConfig[];
  /** `KEY=VALUE`, a bare `KEY` given the caller's value. */
  env?: string[];
  link?: string[];
  volume?: Mount[];
  /** Placement constraints. */
  affinity?: string[];
  /** Bytes. */
  memory?: number;
  cmd?: string[];
  instances?: number;
  replicas?: number;
  user?: string;
  stateful?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  net?: string;
  logDriver?: string;
  logOpt?: [string, string][];
  deployStrategy?: "ha" | "random" | "daemon";
  deployMinHealth?: number;
  deployWaitForPort?: number;
  secret?: SecretReference[];
  mode?: "replicated" | "global" | "replicated-job" | "global-job";
  constraint?: string[];
  placementPref?: PlacementPreference[];
  label?: [string, string][];
  containerLabel?: [string, string][];
  mount?: Mount[];
  network?: string[];
  hostname?: string;
  workdir?: string;
  entrypoint?: string[];
  healthCmd?: string;
  /** Durations in nanoseconds. */
  healthInterval?: number;
  healthTimeout?: number;
  healthRetries?: number;
  healthStartPeriod?: number;
  /** False for --no-healthcheck. */
  healthcheck?: boolean;
  restartCondition?: "none" | "on-failure" | "any";
  restartDelay?: number;
  restartMaxAttempts?: number;
  restartWindow?: number;
  /** Nano-CPUs. */
  limitCpu?: number;
  limitMemory?: number;
  reserveCpu?: number;
  reserveMemory?: number;
  image?: string;
  envAdd?: string[];
  envRm?: string[];
  labelAdd?: [string, string][];
  labelRm?: string[];
  publishAdd?: EndpointPortConfig[];
  publishRm?: string[];
  constraintAdd?: string[];
  constraintRm?: string[];
  mountAdd?: Mount[];
  mountRm?: string[];
  networkAdd?: string[];
  networkRm?: string[];
  secretAdd?: SecretReference[];
  secretRm?: string[];
  secretsInEnv?: boolean;
  withRegistryAuth?: boolean;
  [rolloutOption: `${"update" | "rollback"}${string}`]: string | number | undefined;
}

export function addServiceFlags(command: Command, kind: "create" | "update"): Command {
  command
    .addOption(
      typed(
        option("-p, --ports <port>", "publish a port: [published:]target[/protocol] (repeatable)", collect),
        "port",
      ),
    )
    .addOption(typed(option("-e, --env <KEY=VALUE>", "environment variable (repeatable)", collect), "env"))
    .option("-l, --link <service[:alias]>", "reach another service by name or alias (repeatable)", collect)
    .addOption(
      typed(
        option("-v, --volume <[source:]target[:ro]>", "volume or bind mount (repeatable)", collect),
        "volume",
      ),
    )
    .addOption(
      typed(
        option(
          "-a, --affinity <rule>",
          "placement rule: node==NAME, label==KEY=VALUE, != to avoid (repeatable)",
          collect,
        ),
        "affinity",
      ),
    )
    .addOption(typed(option("-m, --memory <bytes>", "memory limit (512m, 1g)"), "bytes"))
    .addOption(typed(option("--cmd <command>", "command the image runs"), "words"))
    .addOption(typed(option("--instances <n>", "number of instances"), "count"))
    .addOption(typed(option("--replicas <n>", "number of instances (as the docker CLI names it)"), "count"))
    .option("-u, --user <user>", "user the container runs as")
    .option("--cap-add <capability>", "add a Linux capability (repeatable)", collect)
    .option("--cap-drop <capability>", "drop a Linux capability (repeatable)", collect)
    .option("--net <network>", "network to attach to (Kontena's name for --network)")
    .option("--log-driver <driver>", "logging driver")
    .addOption(typed(option("--log-opt <KEY=VALUE>", "logging driver option (repeatable)", collect), "pair"))
    .addOption(
      typed(
        option("--deploy-strategy <strategy>", "ha (spread over zones), random, or daemon (one per node)"),
        "strategy",
      ),
    )
    .addOption(
      typed(
        option("--deploy-min-health <fraction>", "share of instances kept running during a deploy (0.8)"),
        "ratio",
      ),
    )
    .option(
      "--secrets-in-env",
      "let --secret SECRET:NAME:env give a secret as variable NAME (read from its file by a shell before the command; the value is then in the process environment)",
    )
    .addOption(
      typed(
        option(
          "--deploy-wait-for-port <port>",
          "health check that connects to this container port, so a deploy waits for it (needs sh and nc in the image)",
        ),
        "portNumber",
      ),
    )
    .addOption(
      typed(
        option("--secret <SECRET[:FILE]>", "give the service a swarm secret as a file (repeatable)", collect),
        "secret",
      ),
    )
    .option("--constraint <expression>", "placement constraint (repeatable)", collect)
    .addOption(
      typed(
        option(
          "--placement-pref <pref>",
          "placement preference, spread=node.labels.KEY (repeatable)",
          collect,
        ),
        "placementPref",
      ),
    )
    .addOption(typed(option("--label <KEY=VALUE>", "service label (repeatable)", collect), "pair"))
    .addOption(
      typed(option("--container-label <KEY=VALUE>", "container label (repeatable)", collect), "pair"),
    )
    .addOption(
      typed(
        option(
          "--mount <spec>",
          "mount in long form: type=volume,source=NAME,target=/path (repeatable)",
          collect,
        ),
        "mount",
      ),
    )
    .option("--network <network>", "network to attach to (repeatable)", collect)
    .option("--hostname <name>", "container hostname")
    .option("--workdir <dir>", "working directory")
    .addOption(typed(option("--entrypoint <command>", "override the image's entrypoint"), "words"))
    .option("--health-cmd <command>", "command run to check health")
    .addOption(typed(option("--health-interval <duration>", "time between health checks"), "duration"))
    .addOption(typed(option("--health-timeout <duration>", "time one health check may take"), "duration"))
    .addOption(typed(option("--health-retries <n>", "failures before unhealthy"), "count"))
    .addOption(
      typed(option("--health-start-period <duration>", "grace period before failures count"), "duration"),
    )
    .option("--no-healthcheck", "disable the image's health check")
    .addOption(
      typed(option("--restart-condition <condition>", "none, on-failure or any"), "restartCondition"),
    )
    .addOption(typed(option("--restart-delay <duration>", "delay between restarts"), "duration"))
    .addOption(typed(option("--restart-max-attempts <n>", "restarts before giving up"), "count"))
    .addOption(typed(option("--restart-window <duration>", "window used to count restarts"), "duration"))
    .addOption(typed(option("--limit-cpu <cpus>", "CPU limit (0.5)"), "cpus"))
    .addOption(typed(option("--limit-memory <bytes>", "memory limit (512m)"), "bytes"))
    .addOption(typed(option("--reserve-cpu <cpus>", "CPUs reserved (0.5)"), "cpus"))
    .addOption(typed(option("--reserve-memory <bytes>", "memory reserved (256m)"), "bytes"))
    .option(
      "--with-registry-auth",
      kind === "create"
        ? "send registry credentials to the swarm agents (a create always does: a new service has none)"
        : "send registry credentials to the swarm agents (otherwise only when the image changes; the engine keeps the ones it has)",
    );
  for (const phase of ["update", "rollback"] as const) {
    command
      .addOption(
        typed(option(`--${phase}-parallelism <n>`, `tasks changed at once during ${phase}`), "count"),
      )
      .addOption(typed(option(`--${phase}-delay <duration>`, `delay between ${phase} batches`), "duration"))
      .addOption(
        typed(
          option(
            `--${phase}-failure-action <action>`,
            phase === "update" ? "pause, continue or rollback" : "pause or continue",
          ),
          phase === "update" ? "updateFailureAction" : "rollbackFailureAction",
        ),
      )
      .addOption(
        typed(option(`--${phase}-monitor <duration>`, `time to watch each task after ${phase}`), "duration"),
      )
      .addOption(
        typed(
          option(`--${phase}-max-failure-ratio <fraction>`, `failures tolerated during ${phase}`),
          "ratio",
        ),
      )
      .addOption(typed(option(`--${phase}-order <order>`, "stop-first or start-first"), "order"));
  }
  for (const refused of REFUSED_OPTIONS)
    command.addOption(typed(new Option(refused.flags, "not supported by swarm").hideHelp(), "refused"));
  if (kind === "create") {
    command
      .addOption(typed(option("--mode <mode>", "replicated, global, replicated-job or global-job"), "mode"))
      .option("--stateful", "give each instance its own volume for every -v /path");
    return command;
  }
  return command
    .addOption(typed(option("--image <image>", "image to run"), "nonEmpty"))
    .addOption(
      typed(
        option("--env-add <KEY=VALUE>", "add or change an environment variable (repeatable)", collect),
        "env",
      ),
    )
    .option("--env-rm <KEY>", "remove an environment variable (repeatable)", collect)
    .addOption(
      typed(option("--label-add <KEY=VALUE>", "add or change a service label (repeatable)", collect), "pair"),
    )
    .option("--label-rm <KEY>", "remove a service label (repeatable)", collect)
    .addOption(typed(option("--publish-add <port>", "publish a port (repeatable)", collect), "port"))
    .option("--publish-rm <target[/protocol]>", "stop publishing a target port (repeatable)", collect)
    .option("--constraint-add <expression>", "add a placement constraint (repeatable)", collect)
    .option("--constraint-rm <expression>", "remove a placement constraint (repeatable)", collect)
    .addOption(typed(option("--mount-add <spec>", "add a mount (repeatable)", collect), "mount"))
    .option("--mount-rm <target>", "remove the mount at a target path (repeatable)", collect)
    .option("--network-add <network>", "attach to a network (repeatable)", collect)
    .option("--network-rm <network>", "detach from a network (repeatable)", collect)
    .addOption(typed(option("--secret-add <SECRET[:FILE]>", "add a secret (repeatable)", collect), "secret"))
    .option("--secret-rm <SECRET>", "remove a secret (repeatable)", collect);
}

/** --detach and --timeout, on every command that waits. */
export function addWaitFlags(command: Command): Command {
  return command
    .option("-d, --detach", "do not wait for the service to converge")
    .addOption(
      typed(
        new Option("--timeout <seconds>", "give up waiting after this long (seconds, or 2m)").default("300"),
        "seconds",
      ),
    )
    .option("-q, --quiet", "print no progress");
}
