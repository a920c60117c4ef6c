// Object IDs in the engine's shapes, drawn from a seeded generator so that a seed replays a run.
// swarmkit IDs are 25 base-36 characters; container IDs 64 hex digits.

const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";
const HEX = "0123456789abcdef";

/** A small, fast PRNG (mulberry32): plenty for IDs and cheap to snapshot (one number of state). */
export class IdSource {
  state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  #next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  #draw(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.#next() * alphabet.length)];
    return out;
  }

  /** A swarm object ID: service, task, node, secret, config, network. */
  objectId(): string {
    return this.#draw(BASE36, 25);
  }

  containerId(): string {
    return this.#draw(HEX, 64);
  }

  /** A whole number in [min, max], for PIDs and the like. */
  between(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  token(length: number): string {
    return this.#draw(BASE36, length);
  }
}

/** A seed from the wall clock, for runs that did not ask for one. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
