import type { FilterValue } from "@flotilla/transport";
import type { Clock, Service as ServiceAttrs, ServiceSpec } from "@flotilla/types";
import { compareApiVersions, findUnsupportedFields, ValidationError } from "@flotilla/types";
import { DEFAULT_CONFLICT_ATTEMPTS, retryOnConflict, UNCERTAIN_WRITE_RETRIES } from "../conflict-retry.js";
import {
  CONVERGENCE_OPTION_KEYS,
  type ConvergenceOptions,
  type ConvergenceProgress,
  waitForConvergence,
  wallClock,
} from "../convergence.js";
import { StaleVersionError } from "../errors.js";
import { filtersQuery } from "../filters.js";
import { type LogLine, type LogOptions, logLines, logQuery } from "../logs.js";
import { Service } from "../models/service.js";
import type { Task } from "../models/task.js";
import { checkOptionKeys } from "../option-keys.js";
import type { RawApi } from "../raw.js";
import type { RegistryAuth } from "../registry-auth.js";
import { sameDocument } from "../same-document.js";
import { SERVICE_OPTION_KEYS, SERVICE_PATCH_KEYS } from "../service-option-keys.js";
import { type ServiceOptions, type ServicePatch, toServiceSpec } from "../service-options.js";
import { applyPatch } from "../service-patch.js";
import type { TaskFilters, UpdateOptions } from "./options.js";
import type { Tasks } from "./tasks.js";

export interface ServiceFilters {
  id?: FilterValue;
  name?: FilterValue;
  label?: FilterValue;
  mode?: "replicated" | "global" | readonly string[];
}

export interface CreateOptions {
  /**
   * Send credentials for the image's registry from the docker config (`--with-registry-auth`).
   * On by default here: a new service has none stored, and nodes pulling a private image need them.
   */
  registryAuth?: boolean;
  signal?: AbortSignal;
}

export interface UpdateSpecOptions {
  /** Go back to the spec before the last update (`docker service rollback`). */
  rollback?: boolean;
  /**
   * The spec the change was made from; see `updateSpec`. Without it the service's image is not
   * known, so credentials are sent unless `registryAuth: false`.
   */
  basedOn?: ServiceSpec;
  /** See UpdateOptions.registryAuth. */
  registryAuth?: boolean;
  signal?: AbortSignal;
}

/** A change the engine took: what was sent, and what it said of it. */
export interface ServiceWrite {
  id: string;
  /** The engine's warnings, such as an image it could not pin to a digest (`docker` prints them). */
  warnings: string[];
}

/** Edits a copy of the current spec (`service` is the whole document it came from) into the next. */
export type ServiceEdit = (spec: ServiceSpec, service: ServiceAttrs) => ServiceSpec;

/** Services: the ergonomic create/update layer and everything docker-py's ServiceCollection does. */
export class Services {
  readonly #api: RawApi;
  readonly #auth: RegistryAuth | undefined;
  readonly #tasks: Tasks;
  readonly #clock: Clock;

  constructor(api: RawApi, tasks: Tasks, auth?: RegistryAuth, clock: Clock = wallClock) {
    this.#api = api;
    this.#tasks = tasks;
    this.#auth = auth;
    this.#clock = clock;
  }

  /** Creates a service running `image`; options are split into the spec the engine expects and validated first. */
  async create(image: string, options: ServiceOptions & CreateOptions = {}): Promise<Service> {
    const { registryAuth, signal, ...serviceOptions } = options;
    checkOptionKeys("service options", serviceOptions, SERVICE_OPTION_KEYS);
    return this.createFromSpec(toServiceSpec(image, serviceOptions), { registryAuth, signal });
  }

  /** Creates a service from a full engine ServiceSpec. */
  async createFromSpec(spec: ServiceSpec, options: CreateOptions = {}): Promise<Service> {
    const resolved = await this.#resolveReferences(spec);
    const headers = await this.#authHeaders(resolved, options.registryAuth);
    const created = await this.#api.raw("POST /services/create", {
      body: resolved,
      headers,
      signal: options.signal,
    });
    return this.get(created.ID ?? "");
  }

  async get(id: string, options: { insertDefaults?: boolean } = {}): Promise<Service> {
    const query = options.insertDefaults ? { insertDefaults: true } : undefined;
    return this.#model(await this.#api.raw("GET /services/{id}", { path: { id }, query }));
  }

  /** Services matching `filters`; with task counts (`attrs.ServiceStatus`) on engines that give them (1.41+). */
  async list(options: { filters?: ServiceFilters; status?: boolean } = {}): Promise<Service[]> {
    const status = options.status ?? compareApiVersions(await this.#api.apiVersion(), "1.41") >= 0;
    const query = {
      filters: filtersQuery(options.filters as Record<string, FilterValue>),
      ...(status && { status }),
    };
    const services = await this.#api.raw("GET /services", { query });
    return services.map((attrs) => this.#model(attrs));
  }

  /**
   * Applies a partial change to the service's current spec (see ServicePatch) and sends it with the
   * current version; when the engine says the update is out of sequence, reads again and retries.
   */
  async update(id: string, patch: ServicePatch, options: UpdateOptions = {}): Promise<Service> {
    checkOptionKeys("service patch", patch, SERVICE_PATCH_KEYS);
    return this.#written(await this.modify(id, (spec) => applyPatch(spec, patch), options));
  }

  /**
   * Read-modify-write of the service's spec: `edit` gets a copy of the current spec and returns the
   * next, which is sent at the version it was read at. When the engine says the update is out of
   * sequence (someone else wrote in between), the service is read again and `edit` runs again on
   * it, up to `retries` times; a pinned `version` fails with StaleVersionError instead. After a
   * write whose answer was lost with its manager, the service is read again and the write sent
   * again only if it did not land. Nothing is read after the write: see ServiceWrite.
   */
  modify(id: string, edit: ServiceEdit, options: UpdateOptions = {}): Promise<ServiceWrite> {
    return this.#modify(id, edit, options);
  }

  /**
   * Sends a whole spec at `version`, as the engine's update endpoint takes it. Fields too new for
   * the API version in use are refused only where `spec` differs from the service's current spec
   * (`basedOn`, read here when not given and needed), since the engine fills some into every read.
   * Returns what the engine said; nothing is read after the write.
   */
  async updateSpec(
    id: string,
    spec: ServiceSpec,
    version: number | undefined,
    options: UpdateSpecOptions = {},
  ): Promise<ServiceWrite> {
    const wanted = options.registryAuth ?? imageChanged(options.basedOn, spec);
    const headers = options.rollback ? undefined : await this.#authHeaders(spec, wanted);
    const query = { version: version ?? 0, ...(options.rollback && { rollback: "previous" as const }) };
    const body = options.rollback ? spec : await this.#resolveReferences(spec);
    const basedOn = options.basedOn ?? (await this.#baselineIfGated(id, body, options.signal));
    const answer = await this.#api.raw("POST /services/{id}/update", {
      path: { id },
      query,
      headers,
      body,
      basedOn,
      signal: options.signal,
    });
    return { id, warnings: answer?.Warnings ?? [] };
  }

  scale(id: string, replicas: number, options: UpdateOptions = {}): Promise<Service> {
    return this.update(id, { replicas }, options);
  }

  /** Replaces every task though the spec is unchanged (`docker service update --force`). */
  async forceUpdate(id: string, options: UpdateOptions = {}): Promise<Service> {
    return this.#written(await this.#modify(id, (spec) => applyPatch(spec, { forceUpdate: true }), options));
  }

  /** Goes back to the spec before the last update, as `docker service rollback` does. */
  async rollback(id: string, options: { signal?: AbortSignal } = {}): Promise<Service> {
    const current = await this.get(id);
    const spec = current.attrs.Spec ?? {};
    const written = await this.updateSpec(id, spec, current.version, {
      rollback: true,
      basedOn: spec,
      signal: options.signal,
    });
    return this.#written(written);
  }

  async remove(id: string): Promise<void> {
    await this.#api.raw("DELETE /services/{id}", { path: { id } });
  }

  /** The service's tasks (`docker service ps`). */
  tasks(id: string, filters: TaskFilters = {}): Promise<Task[]> {
    return this.#tasks.list({ ...filters, service: id });
  }

  /** Lines of output of all the service's tasks, each naming its task and node. */
  logs(id: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const api = this.#api;
    return {
      async *[Symbol.asyncIterator]() {
        const service = await api.raw("GET /services/{id}", { path: { id }, signal: options.signal });
        const tty = service.Spec?.TaskTemplate?.ContainerSpec?.TTY === true;
        const response = await api.rawResponse("GET /services/{id}/logs", {
          path: { id },
          query: logQuery(options),
          signal: options.signal,
        });
        yield* logLines(response, { ...options, tty });
      },
    };
  }

  /**
   * Resolves once every task runs (or every job completes); see ConvergenceOptions. `seen` gets
   * each read of the service: a rollout writes its progress into the service, bumping its version.
   */
  async waitUntilConverged(
    id: string,
    options: ConvergenceOptions = {},
    seen?: (service: ServiceAttrs) => void,
  ): Promise<ConvergenceProgress> {
    checkOptionKeys("wait options", options, CONVERGENCE_OPTION_KEYS);
    return waitForConvergence(
      async (signal) => {
        const service = await this.#api.raw("GET /services/{id}", { path: { id }, signal });
        seen?.(service);
        const tasks = await this.#tasks.listAttrs({ service: service.ID ?? id }, signal);
        return { service, tasks };
      },
      options,
      this.#clock,
    );
  }

  /** The current spec, read only when `spec` has fields too new for the version in use. */
  async #baselineIfGated(
    id: string,
    spec: ServiceSpec,
    signal?: AbortSignal,
  ): Promise<ServiceSpec | undefined> {
    if (findUnsupportedFields("ServiceSpec", spec, await this.#api.apiVersion()).length === 0)
      return undefined;
    const current = await this.#api.raw("GET /services/{id}", { path: { id }, signal });
    return current.Spec ?? {};
  }

  #model(attrs: ServiceAttrs): Service {
    return new Service(attrs, this);
  }

  /** The service as a write left it, for the methods that return one: read once more. */
  #written(write: ServiceWrite): Promise<Service> {
    return this.get(write.id);
  }

  async #modify(id: string, edit: ServiceEdit, options: UpdateOptions): Promise<ServiceWrite> {
    const pinned = options.version !== undefined;
    const attempts = pinned ? 1 : (options.retries ?? DEFAULT_CONFLICT_ATTEMPTS);
    let version: number | undefined;
    return retryOnConflict(
      async (attempt, afterUncertainWrite) => {
        // The first attempt goes out on the document the caller came with; later ones read afresh.
        const current = (attempt === 1 && options.current) || (await this.get(id)).attrs;
        version = pinned ? options.version : current.Version?.Index;
        const before = current.Spec ?? {};
        const spec = edit(structuredClone(before), current);
        const target = current.ID ?? id;
        // The lost write may have landed. Sending the same spec again is not harmless: every update
        // copies the spec it replaces into PreviousSpec (rollback's target) and clears UpdateStatus.
        if (afterUncertainWrite && sameDocument(spec, before)) return { id: target, warnings: [] };
        return this.updateSpec(target, spec, version, { ...options, basedOn: before });
      },
      {
        attempts,
        // A write sent to a manager that died may or may not have been applied: an unpinned change
        // reads again through the manager now in use and writes at the version it read.
        uncertainWrites: pinned ? 0 : UNCERTAIN_WRITE_RETRIES,
        signal: options.signal,
        what: `service ${id} update`,
        exhausted: (refusal) => {
          const hint = pinned
            ? "reload() it and apply the change again, or update with { readModifyWrite: true }"
            : `it kept changing during ${attempts} attempt${attempts === 1 ? "" : "s"}`;
          return new StaleVersionError({ kind: "service", id, version, hint }, { cause: refusal });
        },
      },
    );
  }

  /** Secrets and configs named without an ID get their IDs, which the engine requires. */
  async #resolveReferences(spec: ServiceSpec): Promise<ServiceSpec> {
    const container = spec.TaskTemplate?.ContainerSpec;
    if (!container) return spec;
    const secrets = container.Secrets?.filter((s) => !s.SecretID && s.SecretName) ?? [];
    const configs = container.Configs?.filter((c) => !c.ConfigID && c.ConfigName) ?? [];
    if (secrets.length === 0 && configs.length === 0) return spec;
    const secretIds =
      secrets.length === 0
        ? new Map()
        : await this.#idsByName(
            "secrets",
            secrets.map((s) => s.SecretName!),
          );
    const configIds =
      configs.length === 0
        ? new Map()
        : await this.#idsByName(
            "configs",
            configs.map((c) => c.ConfigName!),
          );
    return {
      ...spec,
      TaskTemplate: {
        ...spec.TaskTemplate,
        ContainerSpec: {
          ...container,
          ...(container.Secrets && {
            Secrets: container.Secrets.map((s) =>
              s.SecretID ? s : { ...s, SecretID: secretIds.get(s.SecretName) },
            ),
          }),
          ...(container.Configs && {
            Configs: container.Configs.map((c) =>
              c.ConfigID ? c : { ...c, ConfigID: configIds.get(c.ConfigName) },
            ),
          }),
        },
      },
    };
  }

  async #idsByName(kind: "secrets" | "configs", names: string[]): Promise<Map<string | undefined, string>> {
    const query = { filters: filtersQuery({ name: names }) };
    const found =
      kind === "secrets"
        ? await this.#api.raw("GET /secrets", { query })
        : await this.#api.raw("GET /configs", { query });
    // The name filter matches prefixes; only exact names count.
    const ids = new Map<string | undefined, string>();
    for (const item of found) if (item.Spec?.Name && item.ID) ids.set(item.Spec.Name, item.ID);
    const missing = names.findIndex((name) => !ids.has(name));
    if (missing !== -1) {
      throw new ValidationError("service options", [
        { path: `${kind}[${missing}]`, message: `no ${kind.slice(0, -1)} named "${names[missing]}"` },
      ]);
    }
    return ids;
  }

  async #authHeaders(spec: ServiceSpec, wanted = true): Promise<Record<string, string> | undefined> {
    const image = spec.TaskTemplate?.ContainerSpec?.Image;
    if (!wanted || !this.#auth || !image) return undefined;
    const header = await this.#auth.headerFor(image);
    return header ? { "X-Registry-Auth": header } : undefined;
  }
}

/** Whether `spec` runs another image than `before` (unknown counts as another). */
function imageChanged(before: ServiceSpec | undefined, spec: ServiceSpec): boolean {
  return before?.TaskTemplate?.ContainerSpec?.Image !== spec.TaskTemplate?.ContainerSpec?.Image;
}
