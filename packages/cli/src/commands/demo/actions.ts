import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandContext } from "../../context.js";
import { CommandFailedError } from "../../errors.js";
import type { CliIo } from "../../io.js";
import { splitCommand } from "../../options/units.js";

// `flotilla demo`: real flotilla commands, run in this process against the fake swarm
// (@flotilla/testing) on a fast wall clock. Each step says what it shows, prints the command line
// and runs it exactly as typed, so everything the tour does can be repeated on a sandbox or a
// real swarm. The service runs a busybox shell loop, so its logs are what the fake's command
// interpreter prints.

// The service: a busybox shell loop that says which version it is, so logs show the rollout.
const LOOP = `"echo version $VERSION ready on $HOSTNAME; while true; do sleep 2; echo GET / 200 from version $VERSION on $HOSTNAME; done"`;
const BROKEN = `"echo version $VERSION: missing config file >&2; exit 1"`;

interface Step {
  say: string;
  /** A file the step's commands read, printed before them. */
  file?: { path: string; text: string };
  /** Command lines as a person types them after `flotilla`. */
  commands: { line: string; expect?: readonly number[]; forMs?: number }[];
  /** In the `--short` tour as well. */
  short?: boolean;
  /** Waits for the swarm before the next step (e.g. for a drained node to empty). */
  settle?: (swarm: FakeSwarm) => Promise<void> | void;
}

type FakeSwarm = Awaited<ReturnType<typeof import("@flotilla/testing").createFakeSwarm>>;

const PS = "service ps web --format 'table {{.Name}}\t{{.Node}}\t{{.CurrentState}}'";

// A stack: two services and their default network, from a compose file as `docker stack deploy` reads it.
const COMPOSE = `services:
  front:
    image: busybox:1.36
    command: ["sh", "-c", "echo front ready on $$HOSTNAME; while true; do sleep 2; done"]
    deploy:
      replicas: 2
  cache:
    image: busybox:1.36
    command: ["sh", "-c", "while true; do sleep 2; done"]
`;

function stackStep(composeFile: string): Step {
  return {
    say: "A stack from a compose file, as `docker stack deploy` makes it: services shop_front and shop_cache on the network shop_default (the simulated swarm has no registry to resolve images on, hence --resolve-image never).",
    file: { path: composeFile, text: COMPOSE },
    commands: [
      { line: `stack deploy -c ${composeFile} --resolve-image never shop` },
      { line: "stack services shop" },
      { line: "stack ps shop --format 'table {{.Name}}\t{{.Node}}\t{{.CurrentState}}'" },
      { line: "stack rm shop" },
    ],
  };
}

const STEPS: Step[] = [
  {
    say: "A swarm of three simulated nodes lives in this process; nothing here touches Docker.",
    commands: [{ line: "node ls" }],
    short: true,
  },
  {
    say: "Register a service with 6 instances (nothing runs yet; short delays keep the tour quick), then deploy it: the swarm spreads the instances over the nodes.",
    commands: [
      {
        line:
          `service create web busybox:1.36 --instances 6 -e VERSION=1 --hostname '{{.Service.Name}}.{{.Task.Slot}}' --cmd 'sh -c ${LOOP}' ` +
          "--update-parallelism 2 --update-delay 500ms --update-monitor 500ms --rollback-parallelism 3 --rollback-monitor 500ms --restart-delay 200ms",
      },
      { line: "service deploy web" },
      { line: PS },
    ],
    short: true,
  },
  {
    say: "A rolling update to version 2, two instances at a time, with live progress.",
    commands: [{ line: "service update web --env-add VERSION=2" }],
  },
  {
    say: "Drain node-3: the swarm stops its instances and starts them again on the other nodes.",
    commands: [{ line: "node update node-3 --availability drain" }],
    settle: (swarm) => untilRescheduled(swarm, "node-3"),
  },
  {
    say: "Every instance now runs on node-1 or node-2. Make node-3 available again.",
    commands: [{ line: PS }, { line: "node update node-3 --availability active" }],
  },
  {
    say: "A failing update: version 3 exits at start. With --update-failure-action rollback the swarm goes back to version 2 by itself, and flotilla says so (exit code 3).",
    commands: [
      {
        line: `service update web --env-add VERSION=3 --cmd 'sh -c ${BROKEN}' --update-failure-action rollback --update-monitor 1s`,
        expect: [3],
      },
    ],
    settle: (swarm) => untilRolledBack(swarm, "web"),
  },
  {
    say: "What happened, as the service's logs, events and description tell it.",
    commands: [
      { line: "service logs web --lines 3" },
      { line: "service events web --lines 6" },
      { line: "service show web" },
    ],
  },
  {
    say: "The live view of nodes and instances, for a few seconds (Ctrl-C ends it when you run it yourself).",
    commands: [{ line: "service monitor web --interval 1", forMs: 2500 }],
  },
  {
    say: "Stop keeps the instance count; start brings the service back as it was.",
    commands: [{ line: "service stop web" }, { line: "service ls" }, { line: "service start web" }],
  },
  {
    say: "Clean up.",
    commands: [{ line: "service rm web" }],
    short: true,
  },
];

export interface DemoFlags {
  short?: boolean;
}

export async function tour(context: CommandContext, _operands: string[], flags: DemoFlags): Promise<void> {
  const { createFakeSwarm } = await import("@flotilla/testing");
  await using swarm = await createFakeSwarm({
    nodes: 3,
    seed: 9,
    clock: "real",
    start: context.now(),
    timings: { step: 25, stop: 25 },
  });
  const io: CliIo = {
    ...context.io,
    transport: swarm.transport(),
    pollInterval: 50,
    convergedFor: 200,
  };
  const out = context.stdout;
  const { bold } = context.colors;
  out.write(bold("flotilla demo: a tour of flotilla on a simulated swarm\n"));
  const dir = mkdtempSync(join(tmpdir(), "flotilla-demo-"));
  try {
    await runSteps(context, swarm, io, dir, flags);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (context.signal?.aborted) return;
  out.write(
    `\n${bold("That was flotilla.")} The same commands work on a sandbox that keeps running\n` +
      "(`flotilla sandbox`, then `flotilla --context sandbox service ls`) and on a real swarm.\n" +
      "To watch it in a browser: `flotilla --context sandbox ui` serves a live view of its nodes,\n" +
      "services and logs on this machine (and `flotilla ui` does the same for any swarm).\n",
  );
}

async function runSteps(context: CommandContext, swarm: FakeSwarm, io: CliIo, dir: string, flags: DemoFlags) {
  const runCli = context.runCommandLine;
  if (!runCli)
    throw new CommandFailedError("the demo runs flotilla commands, and this run cannot start them");
  const out = context.stdout;
  const { bold, yellow: dim } = context.colors;
  // The stack step goes just before the clean-up, the last step.
  const all = [...STEPS];
  all.splice(all.length - 1, 0, stackStep(join(dir, "shop.yml")));
  for (const step of flags.short ? all.filter((s) => s.short) : all) {
    if (context.signal?.aborted) return;
    out.write(`\n${dim(`# ${step.say}`)}\n`);
    if (step.file) {
      writeFileSync(step.file.path, step.file.text);
      out.write(`${dim(`# ${step.file.path}:`)}\n${step.file.text}`);
    }
    for (const command of step.commands) {
      out.write(`${bold(`$ flotilla ${command.line}`)}\n`);
      const signal = command.forMs
        ? AbortSignal.any([AbortSignal.timeout(command.forMs), ...(context.signal ? [context.signal] : [])])
        : context.signal;
      const code = await runCli(splitCommand(command.line, "demo"), { ...io, signal });
      if (context.signal?.aborted) return;
      if (!(command.expect ?? [0]).includes(code))
        throw new CommandFailedError(`the demo stopped: \`flotilla ${command.line}\` exited ${code}`);
    }
    await step.settle?.(swarm);
  }
}

async function untilRescheduled(swarm: FakeSwarm, hostname: string): Promise<void> {
  const node = swarm.nodes().find((n) => n.Description?.Hostname === hostname);
  await until(() => {
    const running = swarm.tasks("web").filter((t) => t.DesiredState === "running");
    return (
      running.length === 6 && running.every((t) => t.NodeID !== node?.ID && t.Status?.State === "running")
    );
  });
}

async function untilRolledBack(swarm: FakeSwarm, name: string): Promise<void> {
  await until(() => {
    const state = swarm.service(name)?.UpdateStatus?.State;
    const running = swarm
      .tasks(name)
      .filter((t) => t.DesiredState === "running" && t.Status?.State === "running");
    return state === "rollback_completed" && running.length === 6;
  });
}

async function until(done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new CommandFailedError("the demo's swarm did not settle in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
