import {
  isVersionedTransport,
  type OpenTransportOptions,
  openTransport,
  type Transport,
  type TransportResponse,
  type VersionedTransport,
  withApiVersion,
} from "@flotilla/transport";
import { clockOf, type ResponseBody, type Route } from "@flotilla/types";
import { interruptibleTransport, interruptibleVersions } from "./interruptible.js";
import { createRawApi, type RawApi, type RawArgs } from "./raw.js";
import {
  type ClientWarning,
  emitProcessWarning,
  RegistryAuth,
  type RegistryAuthEnvironment,
} from "./registry-auth.js";
import { Configs } from "./resources/configs.js";
import { Networks } from "./resources/networks.js";
import { Nodes } from "./resources/nodes.js";
import { Secrets } from "./resources/secrets.js";
import { Services } from "./resources/services.js";
import { Swarm } from "./resources/swarm.js";
import { System } from "./resources/system.js";
import { Tasks } from "./resources/tasks.js";
import { Stacks } from "./stacks/stacks.js";

export interface ClientOptions {
  /** Any transport; one without version negotiation is wrapped in it. */
  transport: Transport;
  /** Pins the API version instead of negotiating (as DOCKER_API_VERSION does). */
  apiVersion?: string;
  /**
   * Where registry credentials come from (env, files and credential helpers are injectable);
   * `false` sends none.
   */
  registryAuth?: RegistryAuthEnvironment | false;
  /**
   * Aborts every request the client makes when it fires (a CLI's Ctrl-C), the version
   * negotiation included: calls reject at once with an AbortError.
   */
  signal?: AbortSignal;
  /**
   * Gets what the client went on past without failing, such as a credential helper that the
   * docker config names but that is not installed. By default each goes to `process.emitWarning`.
   */
  onWarning?: (warning: ClientWarning) => void;
}

export interface FromEnvOptions extends OpenTransportOptions {
  registryAuth?: RegistryAuthEnvironment | false;
  onWarning?: (warning: ClientWarning) => void;
}

/** The Docker Swarm client: resources for people, `raw` for every route of spec/. */
export class Client implements AsyncDisposable {
  readonly transport: VersionedTransport;
  readonly swarm: Swarm;
  readonly nodes: Nodes;
  readonly services: Services;
  readonly tasks: Tasks;
  readonly secrets: Secrets;
  readonly configs: Configs;
  readonly networks: Networks;
  readonly system: System;
  readonly stacks: Stacks;
  readonly #api: RawApi;

  constructor(options: ClientOptions) {
    const { transport, apiVersion } = options;
    this.transport =
      isVersionedTransport(transport) && apiVersion === undefined
        ? transport
        : withApiVersion(transport, { version: apiVersion });
    // Known before any request only when pinned (by `apiVersion` or DOCKER_API_VERSION).
    const pinned = this.transport.apiVersion !== undefined;
    const versioned = this.transport;
    const versions = { negotiate: () => versioned.negotiate(), pinned };
    const { signal } = options;
    this.#api = signal
      ? createRawApi(interruptibleTransport(this.transport, signal), interruptibleVersions(versions, signal))
      : createRawApi(this.transport, versions);
    const warn = options.onWarning ?? emitProcessWarning;
    const auth = options.registryAuth === false ? undefined : new RegistryAuth(options.registryAuth, warn);
    this.tasks = new Tasks(this.#api);
    this.swarm = new Swarm(this.#api);
    this.nodes = new Nodes(this.#api, this.tasks);
    // The fake swarm's transports carry its clock, so waits on it pass in its (virtual) time.
    this.services = new Services(this.#api, this.tasks, auth, clockOf(transport));
    this.secrets = new Secrets(this.#api);
    this.configs = new Configs(this.#api);
    this.networks = new Networks(this.#api);
    this.system = new System(this.#api);
    this.stacks = new Stacks(this.#api, this.services, this.tasks);
  }

  /**
   * Connects where the docker CLI would (DOCKER_HOST, DOCKER_CONTEXT, the current context, the
   * default socket) and negotiates the API version, so `apiVersion` is known on return. Given
   * `hosts` (several managers of one swarm), or a context that names several, requests go to one
   * at a time and move on when it stops answering (see FailoverTransport): reads are repeated,
   * `services.update` re-reads and writes again, other writes fail with UncertainWriteError.
   */
  static async fromEnv(options: FromEnvOptions = {}): Promise<Client> {
    const { registryAuth, onWarning, ...transportOptions } = options;
    const transport = openTransport(transportOptions);
    const client = new Client({
      transport,
      registryAuth: registryAuth ?? (options.environment?.env ? { env: options.environment.env } : undefined),
      ...(onWarning && { onWarning }),
    });
    try {
      await client.negotiate();
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  /** The API version in use; undefined until the first request (or `negotiate()`) settles it. */
  get apiVersion(): string | undefined {
    return this.transport.apiVersion;
  }

  negotiate(): Promise<string> {
    return this.transport.negotiate();
  }

  /** Any route of spec/, typed from it: `raw("POST /services/create", { body })`. */
  raw<R extends Route>(route: R, ...args: RawArgs<R>): Promise<ResponseBody<R>> {
    return this.#api.raw(route, ...args);
  }

  /** As `raw`, with the response unread: for streaming routes. */
  rawResponse<R extends Route>(route: R, ...args: RawArgs<R>): Promise<TransportResponse> {
    return this.#api.rawResponse(route, ...args);
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
