import type { FilterValue } from "@flotilla/transport";
import type { Task as TaskAttrs } from "@flotilla/types";
import { filtersQuery } from "../filters.js";
import { type LogLine, type LogOptions, logLines, logQuery } from "../logs.js";
import { Task } from "../models/task.js";
import type { RawApi } from "../raw.js";

export interface TaskListFilters {
  id?: FilterValue;
  name?: FilterValue;
  service?: FilterValue;
  node?: FilterValue;
  label?: FilterValue;
  /** `running`, `shutdown` or `accepted`. */
  desiredState?: FilterValue;
}

/** Tasks, as `docker task`/python-on-whales' task commands see them: list, inspect, logs. */
export class Tasks {
  readonly #api: RawApi;

  constructor(api: RawApi) {
    this.#api = api;
  }

  async list(filters: TaskListFilters = {}): Promise<Task[]> {
    return (await this.listAttrs(filters)).map((attrs) => new Task(attrs, this));
  }

  /** The documents alone, for callers that poll often. */
  listAttrs(filters: TaskListFilters = {}, signal?: AbortSignal): Promise<TaskAttrs[]> {
    const query = { filters: filtersQuery(filters as Record<string, FilterValue>) };
    return this.#api.raw("GET /tasks", { query, signal });
  }

  async get(id: string): Promise<Task> {
    return new Task(await this.#api.raw("GET /tasks/{id}", { path: { id } }), this);
  }

  /** Several tasks at once, in the order asked; fails on the first that does not exist. */
  inspect(ids: readonly string[]): Promise<Task[]> {
    return Promise.all(ids.map((id) => this.get(id)));
  }

  logs(id: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const api = this.#api;
    return {
      async *[Symbol.asyncIterator]() {
        const task = await api.raw("GET /tasks/{id}", { path: { id }, signal: options.signal });
        const tty = task.Spec?.ContainerSpec?.TTY === true;
        const query = logQuery(options);
        const response = await api.rawResponse("GET /tasks/{id}/logs", {
          path: { id },
          query,
          signal: options.signal,
        });
        yield* logLines(response, { ...options, tty });
      },
    };
  }
}
