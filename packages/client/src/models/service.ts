import type { Service as ServiceAttrs } from "@flotilla/types";
import type { ConvergenceOptions, ConvergenceProgress } from "../convergence.js";
import type { LogLine, LogOptions } from "../logs.js";
import type { TaskFilters, UpdateOptions } from "../resources/options.js";
import type { ServicePatch } from "../service-options.js";
import { Model } from "./model.js";
import type { Task } from "./task.js";

export interface ModelUpdateOptions extends Omit<UpdateOptions, "version"> {
  /**
   * Re-read and retry when the service changed since this model was read, instead of failing with
   * StaleVersionError. The change is then applied to the service as it is now.
   */
  readModifyWrite?: boolean;
}

/** What a service model asks of the client (the services resource), on its behalf. */
export interface ServiceCalls {
  get(id: string): Promise<{ attrs: ServiceAttrs }>;
  update(id: string, patch: ServicePatch, options: UpdateOptions): Promise<{ attrs: ServiceAttrs }>;
  forceUpdate(id: string, options: UpdateOptions): Promise<{ attrs: ServiceAttrs }>;
  rollback(id: string): Promise<{ attrs: ServiceAttrs }>;
  remove(id: string): Promise<void>;
  tasks(id: string, filters: TaskFilters): Promise<Task[]>;
  logs(id: string, options: LogOptions): AsyncIterable<LogLine>;
  waitUntilConverged(
    id: string,
    options: ConvergenceOptions,
    onRead: (attrs: ServiceAttrs) => void,
  ): Promise<ConvergenceProgress>;
}

/** A service, as `services.get()` and `services.list()` return it. */
export class Service extends Model<ServiceAttrs> {
  readonly #services: ServiceCalls;

  constructor(attrs: ServiceAttrs, services: ServiceCalls) {
    super(attrs);
    this.#services = services;
  }

  get name(): string | undefined {
    return this.attrs.Spec?.Name;
  }

  protected async fetch(): Promise<ServiceAttrs> {
    return (await this.#services.get(this.id)).attrs;
  }

  /**
   * Applies `patch` to the spec this model holds and sends it with this model's version, so a
   * change made elsewhere since the model was read fails with StaleVersionError rather than being
   * silently overwritten. Updates `attrs` on success.
   */
  async update(patch: ServicePatch, options: ModelUpdateOptions = {}): Promise<this> {
    const { readModifyWrite, ...rest } = options;
    const updated = readModifyWrite
      ? await this.#services.update(this.id, patch, rest)
      : await this.#services.update(this.id, patch, { ...rest, version: this.version, current: this.attrs });
    this.attrs = updated.attrs;
    return this;
  }

  scale(replicas: number, options: ModelUpdateOptions = {}): Promise<this> {
    return this.update({ replicas }, options);
  }

  /** Replaces every task even though the spec did not change (`docker service update --force`). */
  async forceUpdate(options: ModelUpdateOptions = {}): Promise<this> {
    const { readModifyWrite, ...rest } = options;
    const pinned = readModifyWrite ? {} : { version: this.version, current: this.attrs };
    this.attrs = (await this.#services.forceUpdate(this.id, { ...rest, ...pinned })).attrs;
    return this;
  }

  async rollback(): Promise<this> {
    this.attrs = (await this.#services.rollback(this.id)).attrs;
    return this;
  }

  remove(): Promise<void> {
    return this.#services.remove(this.id);
  }

  tasks(filters: TaskFilters = {}): Promise<Task[]> {
    return this.#services.tasks(this.id, filters);
  }

  logs(options: LogOptions = {}): AsyncIterable<LogLine> {
    return this.#services.logs(this.id, options);
  }

  /** Waits as `services.waitUntilConverged` does; after it, `attrs` is the last document it read. */
  waitUntilConverged(options: ConvergenceOptions = {}): Promise<ConvergenceProgress> {
    return this.#services.waitUntilConverged(this.id, options, (attrs) => {
      this.attrs = attrs;
    });
  }
}
