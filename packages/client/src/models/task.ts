import type { Task as TaskAttrs } from "@flotilla/types";
import type { LogLine, LogOptions } from "../logs.js";
import { Model } from "./model.js";

/** What a task model asks of the client (the tasks resource), on its behalf. */
export interface TaskCalls {
  get(id: string): Promise<{ attrs: TaskAttrs }>;
  logs(id: string, options: LogOptions): AsyncIterable<LogLine>;
}

/** A task: one slot (replicated) or one node's copy (global) of a service, at one version of its spec. */
export class Task extends Model<TaskAttrs> {
  readonly #tasks: TaskCalls;

  constructor(attrs: TaskAttrs, tasks: TaskCalls) {
    super(attrs);
    this.#tasks = tasks;
  }

  /** `<service id>.<slot>` or `<service id>.<node id>`, since tasks have no names of their own. */
  get name(): string | undefined {
    const { Name, ServiceID, Slot, NodeID } = this.attrs;
    return Name ?? (ServiceID ? `${ServiceID}.${Slot ?? NodeID ?? ""}` : undefined);
  }

  get state(): string | undefined {
    return this.attrs.Status?.State;
  }

  get desiredState(): string | undefined {
    return this.attrs.DesiredState;
  }

  protected async fetch(): Promise<TaskAttrs> {
    return (await this.#tasks.get(this.id)).attrs;
  }

  logs(options: LogOptions = {}): AsyncIterable<LogLine> {
    return this.#tasks.logs(this.id, options);
  }
}
