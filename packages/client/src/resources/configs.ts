import type { FilterValue } from "@flotilla/transport";
import { filtersQuery } from "../filters.js";
import { Config } from "../models/config.js";
import type { RawApi } from "../raw.js";
import { toBase64, toDriver } from "./secrets.js";

export interface ConfigCreateOptions {
  name: string;
  /** Text is sent as UTF-8. */
  data: string | Uint8Array;
  labels?: Record<string, string>;
  /** A templating driver such as `golang` (1.37+). */
  templating?: { name: string; options?: Record<string, string> };
}

export class Configs {
  readonly #api: RawApi;

  constructor(api: RawApi) {
    this.#api = api;
  }

  async create(options: ConfigCreateOptions): Promise<Config> {
    const body = {
      Name: options.name,
      Data: toBase64(options.data),
      ...(options.labels && { Labels: options.labels }),
      ...(options.templating && { Templating: toDriver(options.templating) }),
    };
    const { ID } = await this.#api.raw("POST /configs/create", { body });
    return this.get(ID ?? "");
  }

  async list(filters: { id?: FilterValue; name?: FilterValue; label?: FilterValue } = {}): Promise<Config[]> {
    const configs = await this.#api.raw("GET /configs", { query: { filters: filtersQuery(filters) } });
    return configs.map((attrs) => new Config(attrs, this));
  }

  async get(id: string): Promise<Config> {
    return new Config(await this.#api.raw("GET /configs/{id}", { path: { id } }), this);
  }

  /** Only labels can change; the rest of the spec is sent as the engine has it. */
  async update(
    id: string,
    change: { labels: Record<string, string> },
    options: { version?: number } = {},
  ): Promise<Config> {
    const current = await this.#api.raw("GET /configs/{id}", { path: { id } });
    await this.#api.raw("POST /configs/{id}/update", {
      path: { id: current.ID ?? id },
      query: { version: options.version ?? current.Version?.Index ?? 0 },
      body: { ...current.Spec, Labels: change.labels },
    });
    return this.get(current.ID ?? id);
  }

  async remove(id: string): Promise<void> {
    await this.#api.raw("DELETE /configs/{id}", { path: { id } });
  }
}
