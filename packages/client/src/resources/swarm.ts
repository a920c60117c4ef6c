import type { JoinTokens, Swarm as SwarmAttrs, SwarmSpec } from "@flotilla/types";
import { validateRequestBody } from "@flotilla/types";
import { isOutOfSequence, StaleVersionError } from "../errors.js";
import type { RawApi } from "../raw.js";
import { deepMerge } from "../service-patch.js";
import { type SwarmSpecOptions, swarmSpec } from "../swarm-spec.js";

export interface SwarmInitOptions {
  advertiseAddr?: string;
  /** `0.0.0.0:2377` by default. */
  listenAddr?: string;
  dataPathAddr?: string;
  dataPathPort?: number;
  defaultAddrPool?: string[];
  subnetSize?: number;
  forceNewCluster?: boolean;
  /** A SwarmSpec, or the options `swarmSpec()` takes. */
  spec?: SwarmSpec | SwarmSpecOptions;
}

export interface SwarmJoinOptions {
  remoteAddrs: string[];
  joinToken: string;
  listenAddr?: string;
  advertiseAddr?: string;
  dataPathAddr?: string;
}

export interface SwarmUpdateOptions {
  /** Merged onto the current spec: a SwarmSpec, or the options `swarmSpec()` takes. */
  spec?: SwarmSpec | SwarmSpecOptions;
  /** The version the change is based on; without it the swarm is read first. */
  version?: number;
  rotateWorkerToken?: boolean;
  rotateManagerToken?: boolean;
  rotateManagerUnlockKey?: boolean;
}

/** Engine specs are capitalised; friendly options are not. */
function toSpec(spec: SwarmSpec | SwarmSpecOptions | undefined): SwarmSpec | undefined {
  if (spec === undefined) return undefined;
  const engineShaped = Object.keys(spec).some((key) => /^[A-Z]/.test(key));
  return engineShaped ? (spec as SwarmSpec) : swarmSpec(spec as SwarmSpecOptions);
}

export class Swarm {
  readonly #api: RawApi;

  constructor(api: RawApi) {
    this.#api = api;
  }

  /** Makes this engine the first manager of a new swarm; resolves with its node ID. */
  async init(options: SwarmInitOptions = {}): Promise<string> {
    const spec = toSpec(options.spec);
    const body = {
      ListenAddr: options.listenAddr ?? "0.0.0.0:2377",
      ...(options.advertiseAddr && { AdvertiseAddr: options.advertiseAddr }),
      ...(options.dataPathAddr && { DataPathAddr: options.dataPathAddr }),
      ...(options.dataPathPort !== undefined && { DataPathPort: options.dataPathPort }),
      ...(options.defaultAddrPool && { DefaultAddrPool: options.defaultAddrPool }),
      ...(options.subnetSize !== undefined && { SubnetSize: options.subnetSize }),
      ...(options.forceNewCluster !== undefined && { ForceNewCluster: options.forceNewCluster }),
      ...(spec && { Spec: spec }),
    };
    return String(await this.#api.raw("POST /swarm/init", { body }));
  }

  async join(options: SwarmJoinOptions): Promise<void> {
    await this.#api.raw("POST /swarm/join", {
      body: {
        ListenAddr: options.listenAddr ?? "0.0.0.0:2377",
        RemoteAddrs: options.remoteAddrs,
        JoinToken: options.joinToken,
        ...(options.advertiseAddr && { AdvertiseAddr: options.advertiseAddr }),
        ...(options.dataPathAddr && { DataPathAddr: options.dataPathAddr }),
      },
    });
  }

  async leave(options: { force?: boolean } = {}): Promise<void> {
    await this.#api.raw("POST /swarm/leave", { query: options.force ? { force: true } : undefined });
  }

  inspect(): Promise<SwarmAttrs> {
    return this.#api.raw("GET /swarm");
  }

  /** Changes the swarm's spec (merged onto the current one) and rotates tokens or keys. */
  async update(options: SwarmUpdateOptions = {}): Promise<SwarmAttrs> {
    const change = toSpec(options.spec);
    // A bad change is refused before the swarm is even read.
    if (change) validateRequestBody("SwarmSpec", change);
    const current = await this.inspect();
    const version = options.version ?? current.Version?.Index ?? 0;
    const query = {
      version,
      ...(options.rotateWorkerToken && { rotateWorkerToken: true }),
      ...(options.rotateManagerToken && { rotateManagerToken: true }),
      ...(options.rotateManagerUnlockKey && { rotateManagerUnlockKey: true }),
    };
    try {
      const body = deepMerge(current.Spec ?? {}, change);
      await this.#api.raw("POST /swarm/update", { query, body, basedOn: current.Spec ?? {} });
    } catch (error) {
      if (!isOutOfSequence(error)) throw error;
      const hint = "inspect() it again and repeat the change";
      throw new StaleVersionError({ kind: "swarm", id: current.ID ?? "", version, hint }, { cause: error });
    }
    return this.inspect();
  }

  /** Unlocks a locked manager after a restart, with the key `unlockKey()` gave. */
  async unlock(key: string): Promise<void> {
    await this.#api.raw("POST /swarm/unlock", { body: { UnlockKey: key } });
  }

  /** The key that unlocks managers when autolock is on (empty when it is off). */
  async unlockKey(): Promise<string> {
    return (await this.#api.raw("GET /swarm/unlockkey")).UnlockKey ?? "";
  }

  async joinTokens(): Promise<JoinTokens> {
    return (await this.inspect()).JoinTokens ?? {};
  }
}
