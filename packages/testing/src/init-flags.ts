import type { SwarmInitRequest } from "@flotilla/types";
import { decodeValue } from "./api/decode.js";
import { machineAddress } from "./core/bootstrap.js";
import { EngineError, FakeSwarmError } from "./core/errors.js";
import { cliInitRequest, machineWith, resolveInitRequest } from "./core/swarm-init.js";

// `docker swarm init`'s flags, as flotilla-fake-engine and `flotilla sandbox` take them, made into
// the init request the fake's swarm starts from.

/** Each flag, and the init request field it sets. */
const FIELDS = {
  "advertise-addr": "AdvertiseAddr",
  "listen-addr": "ListenAddr",
  "data-path-addr": "DataPathAddr",
  "data-path-port": "DataPathPort",
  "default-addr-pool": "DefaultAddrPool",
  "default-addr-pool-mask-length": "SubnetSize",
} as const;

export type InitFlag = keyof typeof FIELDS;
export const INIT_FLAGS = Object.keys(FIELDS) as InitFlag[];

/**
 * The init request the flags make, from what `docker swarm init` sends. Each flag is checked as
 * the engine would check it, alone, so that a refusal names the flag it is about.
 */
export function swarmInitRequest(
  values: Partial<Record<InitFlag, string | string[] | undefined>>,
): Omit<SwarmInitRequest, "Spec"> {
  const request: Record<string, unknown> = cliInitRequest();
  const machine = machineWith(machineAddress(0));
  for (const flag of INIT_FLAGS) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const field = FIELDS[flag];
    const value = field === "DataPathPort" || field === "SubnetSize" ? whole(`--${flag}`, String(raw)) : raw;
    const alone: Record<string, unknown> = { ...cliInitRequest(), [field]: value };
    // The mask length is checked against the pools given with it.
    if (field === "SubnetSize" && values["default-addr-pool"]) {
      alone.DefaultAddrPool = values["default-addr-pool"];
    }
    try {
      resolveInitRequest(decodeValue("SwarmInitRequest", alone) as SwarmInitRequest, machine);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      throw new FakeSwarmError("ERR_FAKE_USAGE", `--${flag}: ${error.message}`);
    }
    request[field] = value;
  }
  return request as Omit<SwarmInitRequest, "Spec">;
}

function whole(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0)
    throw new FakeSwarmError("ERR_FAKE_USAGE", `${flag} wants a whole number, not "${value}"`);
  return n;
}
