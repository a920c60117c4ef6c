import { parseArgs } from "node:util";
import { FakeSwarmError } from "../core/errors.js";
import type { FakeSwarmOptions } from "../fake-swarm.js";
import { INIT_FLAGS, swarmInitRequest } from "../init-flags.js";
import type { ListenOptions } from "../server/listen.js";

// `flotilla-fake-engine` flags, turned into the fake's options. Served by hand, the fake runs on
// the wall clock with short task timings: it should feel like a fast engine, not a simulation.

export const USAGE = `Usage: flotilla-fake-engine (--socket PATH | --port N [--host ADDR]) [options]

Serves a fake Docker swarm (Engine API 1.41) until interrupted, and prints the DOCKER_HOST to use.

  --socket PATH     listen on a unix socket
  --port N          listen on TCP (0 picks a free port); --host defaults to 127.0.0.1
  --nodes N         simulated nodes (default 1); --managers M of them managers (default 1)
  --seed N          seed for IDs and tokens
  --step MS         how long each task step takes (default 5); --stop MS to stop a container (default 10)
  --hostname NAME   the first node's hostname (default node-1)
  --no-swarm        start outside a swarm, as an engine before "docker swarm init"

The swarm it starts in is made as "docker swarm init" makes one, with its flags:
  --advertise-addr ADDR[:PORT]         the first node's address (default: its machine's, 10.10.0.1)
  --listen-addr ADDR[:PORT]            default 0.0.0.0:2377
  --data-path-addr ADDR                default: the advertise address
  --data-path-port N                   default 4789
  --default-addr-pool CIDR             repeatable; default: none reported, 10.0.0.0/8 used
  --default-addr-pool-mask-length N    default 24
  -h, --help        show this`;

export interface BinOptions {
  swarm: FakeSwarmOptions;
  listen: ListenOptions;
}

export function parseBinArgs(argv: readonly string[], now = Date.now()): BinOptions | "help" {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      socket: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      nodes: { type: "string" },
      managers: { type: "string" },
      seed: { type: "string" },
      step: { type: "string" },
      stop: { type: "string" },
      hostname: { type: "string" },
      "no-swarm": { type: "boolean" },
      "advertise-addr": { type: "string" },
      "listen-addr": { type: "string" },
      "data-path-addr": { type: "string" },
      "data-path-port": { type: "string" },
      "default-addr-pool": { type: "string", multiple: true },
      "default-addr-pool-mask-length": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return "help";
  if ((values.socket === undefined) === (values.port === undefined)) {
    throw new FakeSwarmError("ERR_FAKE_USAGE", "give exactly one of --socket PATH or --port N");
  }
  if (values["no-swarm"]) {
    const given = INIT_FLAGS.find((flag) => values[flag] !== undefined);
    if (given) throw new FakeSwarmError("ERR_FAKE_USAGE", `--${given} makes the swarm; drop --no-swarm`);
  }
  const managers = count("--managers", values.managers, 1);
  const nodes = Array.from({ length: Math.max(1, count("--nodes", values.nodes, 1)) }, (_, i) => ({
    role: i < Math.max(1, managers) ? ("manager" as const) : ("worker" as const),
    ...(i === 0 && values.hostname !== undefined && { hostname: values.hostname }),
  }));
  return {
    swarm: {
      nodes,
      ...(values.seed !== undefined && { seed: count("--seed", values.seed, 0) }),
      clock: "real",
      start: now,
      timings: { step: count("--step", values.step, 5), stop: count("--stop", values.stop, 10) },
      inSwarm: !values["no-swarm"],
      ...(!values["no-swarm"] && { init: swarmInitRequest(values) }),
    },
    listen:
      values.socket !== undefined
        ? { socketPath: values.socket }
        : { port: count("--port", values.port, 0), host: values.host ?? "127.0.0.1" },
  };
}

function count(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new FakeSwarmError("ERR_FAKE_USAGE", `${flag} wants a whole number, not "${value}"`);
  return n;
}
