import { ApiError, ConflictError, NotFoundError, UncertainWriteError } from "@flotilla/transport";
import type { Service as ServiceAttrs, ServiceSpec } from "@flotilla/types";
import { FlotillaError, ValidationError } from "@flotilla/types";
import { DEFAULT_CONFLICT_ATTEMPTS, retryOnConflict, UNCERTAIN_WRITE_RETRIES } from "../conflict-retry.js";
import type { ConvergenceOptions, ConvergenceProgress } from "../convergence.js";
import { ConvergenceError, StaleVersionError } from "../errors.js";
import { filtersQuery } from "../filters.js";
import type { Service } from "../models/service.js";
import type { Task } from "../models/task.js";
import type { RawApi } from "../raw.js";
import type { Services } from "../resources/services.js";
import type { Tasks } from "../resources/tasks.js";
import { type DeployStanding, isLostContact, StackDeployInterruptedError } from "./interrupted.js";
import type { ComposeLoadOptions, ComposeSource, LoadedCompose } from "./load.js";
import { checkStackName, IMAGE_LABEL, NAMESPACE_LABEL, namespace, stackFilter } from "./namespace.js";
import type { StackPlan } from "./plan.js";

// Loading compose files needs a YAML parser and a JSON schema validator; they are loaded on the
// first stack command, so a client (and every CLI command) that never deploys never pays for them.
const planning = () => import("./plan.js");

export type ResolveImage = "always" | "changed" | "never";

/** What a deploy or remove is doing, for a progress display; the CLI prints these as the docker CLI does. */
export type StackEvent =
  | { kind: "warning"; message: string }
  | {
      kind: "create" | "update" | "remove";
      object: "network" | "secret" | "config" | "service";
      name: string;
      id?: string;
    }
  | { kind: "progress"; service: string; progress: ConvergenceProgress };

export interface StackDeployOptions extends ComposeLoadOptions {
  /** Remove the stack's services the file no longer has. */
  prune?: boolean;
  /** Send credentials for each image's registry from the docker config (`--with-registry-auth`). */
  registryAuth?: boolean;
  /** Ask the registry for each image's digest and pin it: always (the default), only for changed images, or never. */
  resolveImage?: ResolveImage;
  /** Wait until every service converges (the default), failing with its failed tasks' errors. */
  wait?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: StackEvent) => void;
  /** Timeout, interval and tolerated failures of the wait (see ConvergenceOptions). */
  convergence?: Omit<ConvergenceOptions, "signal" | "onProgress">;
}

export interface StackDeployResult {
  services: { key: string; name: string; id: string; created: boolean }[];
  warnings: string[];
}

export interface StackSummary {
  name: string;
  services: number;
}

/** Some of a stack's services did not converge; `failures` holds each one's ConvergenceError. */
export class StackDeployError extends FlotillaError {
  readonly failures: readonly { service: string; error: ConvergenceError }[];
  constructor(stack: string, failures: readonly { service: string; error: ConvergenceError }[]) {
    const lines = failures.map((f) => `${f.service}: ${f.error.message}`);
    super("ERR_NOT_CONVERGED", `stack ${stack}: ${lines.join("; ")}`);
    this.failures = failures;
  }
}

/** What every service write of one deploy shares. */
interface ServiceWrite {
  resolveImage: ResolveImage;
  warnings: string[];
  emit: (event: StackEvent) => void;
  registryAuth: boolean;
}

/** Stacks: compose files deployed to swarm, indistinguishable from `docker stack deploy`'s. */
export class Stacks {
  readonly #api: RawApi;
  readonly #services: Services;
  readonly #tasks: Tasks;

  constructor(api: RawApi, services: Services, tasks: Tasks) {
    this.#api = api;
    this.#services = services;
    this.#tasks = tasks;
  }

  /** The merged, interpolated and validated document (`docker stack config`), and the warnings a deploy would print. */
  async config(source: ComposeSource, options: ComposeLoadOptions = {}): Promise<LoadedCompose> {
    const { loadCompose } = await import("./load.js");
    return loadCompose(source, options);
  }

  /** What `deploy` would send, worked out and checked without sending anything. */
  async plan(name: string, source: ComposeSource, options: ComposeLoadOptions = {}): Promise<StackPlan> {
    return (await planning()).planStack(name, source, options);
  }

  async deploy(
    name: string,
    source: ComposeSource,
    options: StackDeployOptions = {},
  ): Promise<StackDeployResult> {
    const resolveImage = options.resolveImage ?? "always";
    if (!["always", "changed", "never"].includes(resolveImage)) {
      throw new ValidationError("stack deploy options", [
        { path: "resolveImage", message: `"${resolveImage}" is not always, changed or never` },
      ]);
    }
    const emit = options.onEvent ?? (() => {});
    const plan = await (await planning()).planStack(name, source, options);
    const warnings = [...plan.loaded.warnings];
    for (const message of plan.loaded.warnings) emit({ kind: "warning", message });
    await this.#checkManager();
    await this.#checkExternal(plan);

    const deployed: StackDeployResult["services"] = [];
    // The service being written: if contact is lost now, its write may or may not be in.
    let writing: string | undefined;
    try {
      await this.#writeShared(plan, options, emit);
      const filters = { filters: filtersQuery(stackFilter(plan.namespace)) };
      const existing = new Map(
        (await this.#api.raw("GET /services", { query: filters, signal: options.signal })).map(
          (s) => [s.Spec?.Name, s] as const,
        ),
      );
      const write = { resolveImage, warnings, emit, registryAuth: options.registryAuth ?? false };
      for (const [key, planned] of plan.services) {
        const spec = await this.#withCredentialSpecId(planned);
        const service = spec.Name ?? "";
        writing = service;
        const before = existing.get(service);
        if (before) {
          emit({ kind: "update", object: "service", name: service, id: before.ID });
          await this.#updateService(before, spec, write, options.signal);
          deployed.push({ key, name: service, id: before.ID ?? "", created: false });
        } else {
          emit({ kind: "create", object: "service", name: service });
          const id = await this.#createService(spec, write, options.signal);
          deployed.push({ key, name: service, id, created: true });
        }
        writing = undefined;
      }
    } catch (error) {
      if (!isLostContact(error)) throw error;
      throw new StackDeployInterruptedError(name, "write", standing(plan, deployed, writing), error);
    }

    if (options.wait ?? true) await this.#waitAll(name, deployed, options);
    return { services: deployed, warnings };
  }

  // Prune, then the stack's networks, secrets and configs, which its services refer to.
  async #writeShared(
    plan: StackPlan,
    options: StackDeployOptions,
    emit: (event: StackEvent) => void,
  ): Promise<void> {
    const filters = { filters: filtersQuery(stackFilter(plan.namespace)) };
    const signal = options.signal;
    if (options.prune) {
      const existing = await this.#api.raw("GET /services", { query: filters, signal });
      const stale = existing
        .filter((s) => !plan.services.has(plan.namespace.descope(s.Spec?.Name ?? "")))
        .sort(byName);
      for (const service of stale) {
        emit({ kind: "remove", object: "service", name: service.Spec?.Name ?? "", id: service.ID });
        await this.#api.raw("DELETE /services/{id}", { path: { id: service.ID ?? "" }, signal });
      }
    }

    const networks = await this.#api.raw("GET /networks", { query: filters, signal });
    const present = new Set(networks.map((n) => n.Name));
    for (const network of plan.networks) {
      if (present.has(network.body.Name)) continue;
      emit({ kind: "create", object: "network", name: network.body.Name });
      await this.#api.raw("POST /networks/create", { body: network.body, signal });
    }
    for (const spec of plan.secrets) {
      const found = await this.#exact("secrets", spec.Name ?? "");
      if (found) {
        emit({ kind: "update", object: "secret", name: spec.Name ?? "", id: found.ID });
        await this.#api.raw("POST /secrets/{id}/update", {
          path: { id: found.ID ?? "" },
          query: { version: found.Version?.Index ?? 0 },
          body: spec,
          signal,
        });
      } else {
        emit({ kind: "create", object: "secret", name: spec.Name ?? "" });
        await this.#api.raw("POST /secrets/create", { body: spec, signal });
      }
    }
    for (const spec of plan.configs) {
      const found = await this.#exact("configs", spec.Name ?? "");
      if (found) {
        emit({ kind: "update", object: "config", name: spec.Name ?? "", id: found.ID });
        await this.#api.raw("POST /configs/{id}/update", {
          path: { id: found.ID ?? "" },
          query: { version: found.Version?.Index ?? 0 },
          body: spec,
          signal,
        });
      } else {
        emit({ kind: "create", object: "config", name: spec.Name ?? "" });
        await this.#api.raw("POST /configs/create", { body: spec, signal });
      }
    }
  }

  // Read-modify-write at the version read. A write whose manager died before answering may have
  // been applied: the next read, through the manager now in use, shows whether it was.
  async #updateService(
    before: ServiceAttrs,
    spec: ServiceSpec,
    write: ServiceWrite,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const id = before.ID ?? "";
    let sent: { spec: ServiceSpec; version: number } | undefined;
    await retryOnConflict(
      async (attempt, afterUncertainWrite) => {
        const current = attempt === 1 ? before : (await this.#services.get(id)).attrs;
        if (afterUncertainWrite && sent && wasApplied(sent, current)) return;
        const next = await this.#updatedSpec(spec, current, write.resolveImage, write.warnings, write.emit);
        sent = { spec: next, version: current.Version?.Index ?? 0 };
        await this.#services.updateSpec(id, next, current.Version?.Index, {
          registryAuth: write.registryAuth,
          signal,
        });
      },
      {
        attempts: DEFAULT_CONFLICT_ATTEMPTS,
        uncertainWrites: UNCERTAIN_WRITE_RETRIES,
        signal,
        what: `service ${spec.Name} update`,
        exhausted: (refusal) =>
          new StaleVersionError(
            {
              kind: "service",
              id,
              hint: `it kept changing during ${DEFAULT_CONFLICT_ATTEMPTS} attempts`,
            },
            { cause: refusal },
          ),
      },
    );
  }

  // A create whose manager died before answering may have been applied: the service then shows
  // under its name through the manager now in use, and creating it again would be refused.
  async #createService(
    spec: ServiceSpec,
    write: ServiceWrite,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const pinned =
      write.resolveImage === "never" ? spec : await this.#pinImage(spec, write.warnings, write.emit);
    for (let uncertain = 0; ; ) {
      try {
        return (await this.#services.createFromSpec(pinned, { registryAuth: write.registryAuth, signal })).id;
      } catch (error) {
        const afterLostWrite =
          error instanceof UncertainWriteError || (uncertain > 0 && error instanceof ConflictError);
        if (!afterLostWrite || uncertain >= UNCERTAIN_WRITE_RETRIES) throw error;
        uncertain++;
        const found = await this.#serviceNamed(spec.Name ?? "", signal);
        if (found) return found.ID ?? "";
      }
    }
  }

  async #serviceNamed(name: string, signal: AbortSignal | undefined): Promise<ServiceAttrs | undefined> {
    const query = { filters: filtersQuery({ name: [name] }) };
    // The name filter matches prefixes.
    return (await this.#api.raw("GET /services", { query, signal })).find((s) => s.Spec?.Name === name);
  }

  /** Every stack with its number of services, by name (`docker stack ls`). */
  async list(): Promise<StackSummary[]> {
    const services = await this.#api.raw("GET /services", {
      query: { filters: filtersQuery({ label: [NAMESPACE_LABEL] }) },
    });
    const counts = new Map<string, number>();
    for (const service of services) {
      const stack = service.Spec?.Labels?.[NAMESPACE_LABEL];
      if (stack !== undefined) counts.set(stack, (counts.get(stack) ?? 0) + 1);
    }
    return [...counts]
      .map(([stack, count]) => ({ name: stack, services: count }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The stack's services, by name (`docker stack services`). */
  async services(name: string): Promise<Service[]> {
    checkStackName(name);
    const services = await this.#services.list({ filters: stackFilter(namespace(name)) });
    return services.sort((a, b) => ((a.name ?? "") < (b.name ?? "") ? -1 : 1));
  }

  /** The stack's tasks (`docker stack ps`). */
  tasks(name: string): Promise<Task[]> {
    checkStackName(name);
    return this.#tasks.list(stackFilter(namespace(name)));
  }

  /**
   * Removes the stack's services, secrets, configs and networks, in that order (`docker stack rm`).
   * Resolves to false when the stack has nothing; a failed removal does not stop the others, and
   * they are reported together at the end.
   */
  async remove(name: string, options: { onEvent?: (event: StackEvent) => void } = {}): Promise<boolean> {
    checkStackName(name);
    const emit = options.onEvent ?? (() => {});
    const query = { filters: filtersQuery(stackFilter(namespace(name))) };
    const [services, networks, secrets, configs] = await Promise.all([
      this.#api.raw("GET /services", { query }),
      this.#api.raw("GET /networks", { query }),
      this.#api.raw("GET /secrets", { query }),
      this.#api.raw("GET /configs", { query }),
    ]);
    if (services.length + networks.length + secrets.length + configs.length === 0) return false;
    const failures: string[] = [];
    const attempt = async (
      object: "service" | "secret" | "config" | "network",
      label: string,
      id: string,
      remove: () => Promise<unknown>,
    ) => {
      emit({ kind: "remove", object, name: label, id });
      try {
        await remove();
      } catch (error) {
        if (error instanceof NotFoundError) return;
        failures.push(
          `${object} ${label}: ${error instanceof ApiError ? error.engineMessage : (error as Error).message}`,
        );
      }
    };
    for (const s of [...services].sort(byName))
      await attempt("service", s.Spec?.Name ?? "", s.ID ?? "", () =>
        this.#api.raw("DELETE /services/{id}", { path: { id: s.ID ?? "" } }),
      );
    for (const s of secrets)
      await attempt("secret", s.Spec?.Name ?? "", s.ID ?? "", () =>
        this.#api.raw("DELETE /secrets/{id}", { path: { id: s.ID ?? "" } }),
      );
    for (const c of configs)
      await attempt("config", c.Spec?.Name ?? "", c.ID ?? "", () =>
        this.#api.raw("DELETE /configs/{id}", { path: { id: c.ID ?? "" } }),
      );
    for (const n of networks)
      await attempt("network", n.Name ?? "", n.Id ?? "", () =>
        this.#api.raw("DELETE /networks/{id}", { path: { id: n.Id ?? "" } }),
      );
    if (failures.length > 0) {
      throw new FlotillaError(
        "ERR_STACK_REMOVE",
        `some objects of stack ${name} were not removed: ${failures.join("; ")}`,
      );
    }
    return true;
  }

  async #checkManager(): Promise<void> {
    const info = await this.#api.raw("GET /info");
    if (!info.Swarm?.ControlAvailable) {
      throw new FlotillaError(
        "ERR_NOT_MANAGER",
        "this engine is not a swarm manager; run `swarm init` or `swarm join` on it, or talk to a manager",
      );
    }
  }

  // External objects must exist before anything is created, so a missing one half-deploys nothing.
  async #checkExternal(plan: StackPlan): Promise<void> {
    const issues: { path: string; message: string }[] = [];
    for (const network of plan.externalNetworks) {
      // host, bridge and none exist on every node.
      if (["host", "bridge", "none", "default"].includes(network) || network.startsWith("container:"))
        continue;
      try {
        const found = await this.#api.raw("GET /networks/{id}", { path: { id: network } });
        if (found.Scope !== "swarm")
          issues.push({
            path: `networks`,
            message: `external network "${network}" has scope ${found.Scope}, not swarm`,
          });
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        issues.push({
          path: "networks",
          message: `external network "${network}" does not exist; create a swarm-scoped network first`,
        });
      }
    }
    for (const [kind, names] of [
      ["secrets", plan.externalSecrets],
      ["configs", plan.externalConfigs],
    ] as const) {
      for (const name of names) {
        if (!(await this.#exact(kind, name)))
          issues.push({ path: kind, message: `external ${kind.slice(0, -1)} "${name}" does not exist` });
      }
    }
    if (issues.length > 0) throw new ValidationError(`stack ${plan.namespace.name}`, issues);
  }

  async #exact(kind: "secrets" | "configs", name: string) {
    const query = { filters: filtersQuery({ name: [name] }) };
    const found =
      kind === "secrets"
        ? await this.#api.raw("GET /secrets", { query })
        : await this.#api.raw("GET /configs", { query });
    // The name filter matches prefixes.
    return found.find((item) => item.Spec?.Name === name);
  }

  // A credential spec names its config; the engine wants the config's ID.
  async #withCredentialSpecId(spec: ServiceSpec): Promise<ServiceSpec> {
    const container = spec.TaskTemplate?.ContainerSpec;
    const credential = container?.Privileges?.CredentialSpec;
    if (!container || !credential?.Config) return spec;
    const runtime = container.Configs?.find((c) => c.Runtime !== undefined);
    const config = await this.#exact("configs", runtime?.ConfigName ?? credential.Config);
    return {
      ...spec,
      TaskTemplate: {
        ...spec.TaskTemplate,
        ContainerSpec: {
          ...container,
          Privileges: { ...container.Privileges, CredentialSpec: { ...credential, Config: config?.ID } },
        },
      },
    };
  }

  // As the docker CLI: an unchanged image keeps the digest the last deploy pinned, and the
  // ForceUpdate counter carries over so an unchanged service restarts nothing.
  async #updatedSpec(
    spec: ServiceSpec,
    current: ServiceAttrs,
    resolveImage: ResolveImage,
    warnings: string[],
    emit: (event: StackEvent) => void,
  ): Promise<ServiceSpec> {
    const image = spec.TaskTemplate?.ContainerSpec?.Image;
    const unchanged = image === current.Spec?.Labels?.[IMAGE_LABEL];
    const resolve = resolveImage === "always" || (resolveImage === "changed" && !unchanged);
    let next: ServiceSpec = {
      ...spec,
      TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: current.Spec?.TaskTemplate?.ForceUpdate ?? 0 },
    };
    if (resolve) next = await this.#pinImage(next, warnings, emit);
    else if (unchanged) {
      next = {
        ...next,
        TaskTemplate: {
          ...next.TaskTemplate,
          ContainerSpec: {
            ...next.TaskTemplate?.ContainerSpec,
            Image: current.Spec?.TaskTemplate?.ContainerSpec?.Image,
          },
        },
      };
    }
    return next;
  }

  // --resolve-image: the registry's digest for the image (and its platforms, for placement). An
  // image the registry cannot be asked about is deployed by name, with a warning, as docker does.
  async #pinImage(
    spec: ServiceSpec,
    warnings: string[],
    emit: (event: StackEvent) => void,
  ): Promise<ServiceSpec> {
    const container = spec.TaskTemplate?.ContainerSpec;
    const image = container?.Image;
    if (!container || !image || image.includes("@")) return spec;
    try {
      const found = await this.#api.raw("GET /distribution/{name}/json", { path: { name: image } });
      const digest = found.Descriptor?.digest;
      if (!digest) throw new Error("no digest");
      const platforms = (found.Platforms ?? [])
        .filter((p) => p.architecture || p.os)
        .map((p) => ({ Architecture: p.architecture, OS: p.os }));
      const placement = spec.TaskTemplate?.Placement ?? {};
      return {
        ...spec,
        TaskTemplate: {
          ...spec.TaskTemplate,
          ContainerSpec: { ...container, Image: `${image}@${digest}` },
          ...(platforms.length > 0 &&
            !placement.Platforms && { Placement: { ...placement, Platforms: platforms } }),
        },
      };
    } catch (error) {
      if (error instanceof FlotillaError && !(error instanceof ApiError)) throw error;
      const message = `image ${image} could not be resolved to a digest on its registry; each node will pull ${image} itself, so nodes may run different versions of it`;
      warnings.push(message);
      emit({ kind: "warning", message });
      return spec;
    }
  }

  async #waitAll(
    stack: string,
    deployed: StackDeployResult["services"],
    options: StackDeployOptions,
  ): Promise<void> {
    const emit = options.onEvent ?? (() => {});
    // The first wait that fails for want of the swarm stops the others: they would fail the same
    // way, each at its next poll, and the user would wait for the slowest to find out.
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    let lost: unknown;
    const results = await Promise.allSettled(
      deployed.map((service) =>
        this.#services
          .waitUntilConverged(service.id, {
            ...options.convergence,
            signal,
            onProgress: (progress) => emit({ kind: "progress", service: service.name, progress }),
          })
          .catch((error: unknown) => {
            if (lost === undefined && !stop.signal.aborted && isLostContact(error)) {
              lost = error;
              stop.abort(error);
            }
            throw error;
          }),
      ),
    );
    if (lost !== undefined && !options.signal?.aborted) {
      throw new StackDeployInterruptedError(stack, "wait", standing(deployed, deployed, undefined), lost);
    }
    const failures: { service: string; error: ConvergenceError }[] = [];
    results.forEach((result, i) => {
      if (result.status === "fulfilled") return;
      if (!(result.reason instanceof ConvergenceError)) throw result.reason;
      failures.push({ service: deployed[i]!.name, error: result.reason });
    });
    if (failures.length > 0) throw new StackDeployError(stack, failures);
  }
}

/** Which of the planned services were written, in the order they were deployed. */
function standing(
  planned: StackPlan | StackDeployResult["services"],
  deployed: StackDeployResult["services"],
  writing: string | undefined,
): DeployStanding {
  const names = Array.isArray(planned)
    ? planned.map((s) => s.name)
    : [...planned.services.values()].map((spec) => spec.Name ?? "");
  const written = new Set(deployed.map((s) => s.name));
  return {
    created: deployed.filter((s) => s.created).map((s) => s.name),
    updated: deployed.filter((s) => !s.created).map((s) => s.name),
    ...(writing !== undefined && { inDoubt: writing }),
    notDone: names.filter((n) => !written.has(n) && n !== writing),
  };
}

/**
 * Whether the service, read after a write whose answer was lost, has that write in: a version
 * past the one written at, and every field sent (the engine adds defaults, and secret IDs, to what
 * it keeps, and keeps networks by ID where the stack names them). A write taken for not applied is
 * sent again at the version read, which is safe.
 */
function wasApplied(sent: { spec: ServiceSpec; version: number }, current: ServiceAttrs): boolean {
  const { Networks: _, ...template } = sent.spec.TaskTemplate ?? {};
  const comparable = { ...sent.spec, TaskTemplate: template };
  return (current.Version?.Index ?? 0) > sent.version && includes(current.Spec, comparable);
}

function includes(whole: unknown, part: unknown): boolean {
  if (part === undefined) return true;
  if (typeof part !== "object" || part === null) return whole === part;
  if (typeof whole !== "object" || whole === null || Array.isArray(part) !== Array.isArray(whole))
    return false;
  if (Array.isArray(part)) {
    const items = whole as unknown[];
    return part.length === items.length && part.every((item, i) => includes(items[i], item));
  }
  return Object.entries(part).every(([key, value]) =>
    includes((whole as Record<string, unknown>)[key], value),
  );
}

function byName(a: ServiceAttrs, b: ServiceAttrs): number {
  const x = a.Spec?.Name ?? "";
  const y = b.Spec?.Name ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}
