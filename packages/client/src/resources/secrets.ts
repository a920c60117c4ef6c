import type { FilterValue } from "@flotilla/transport";
import { filtersQuery } from "../filters.js";
import { Secret } from "../models/secret.js";
import type { RawApi } from "../raw.js";

export interface SecretCreateOptions {
  name: string;
  /** Text is sent as UTF-8. Never logged, and never kept on the returned model. */
  data: string | Uint8Array;
  labels?: Record<string, string>;
  /** An external secret store driver (1.31+). */
  driver?: { name: string; options?: Record<string, string> };
  /** A templating driver such as `golang` (1.37+). */
  templating?: { name: string; options?: Record<string, string> };
}

export function toBase64(data: string | Uint8Array): string {
  return Buffer.from(typeof data === "string" ? Buffer.from(data, "utf8") : data).toString("base64");
}

export function toDriver(driver: { name: string; options?: Record<string, string> } | undefined) {
  return driver && { Name: driver.name, ...(driver.options && { Options: driver.options }) };
}

export class Secrets {
  readonly #api: RawApi;

  constructor(api: RawApi) {
    this.#api = api;
  }

  async create(options: SecretCreateOptions): Promise<Secret> {
    const body = {
      Name: options.name,
      Data: toBase64(options.data),
      ...(options.labels && { Labels: options.labels }),
      ...(options.driver && { Driver: toDriver(options.driver) }),
      ...(options.templating && { Templating: toDriver(options.templating) }),
    };
    const { ID } = await this.#api.raw("POST /secrets/create", { body });
    return this.get(ID ?? "");
  }

  async list(
    filters: { id?: FilterValue; name?: FilterValue; label?: FilterValue; names?: FilterValue } = {},
  ): Promise<Secret[]> {
    const secrets = await this.#api.raw("GET /secrets", { query: { filters: filtersQuery(filters) } });
    return secrets.map((attrs) => new Secret(attrs, this));
  }

  async get(id: string): Promise<Secret> {
    return new Secret(await this.#api.raw("GET /secrets/{id}", { path: { id } }), this);
  }

  /** Only labels can change; the rest of the spec is sent as the engine has it. */
  async update(
    id: string,
    change: { labels: Record<string, string> },
    options: { version?: number } = {},
  ): Promise<Secret> {
    const current = await this.#api.raw("GET /secrets/{id}", { path: { id } });
    await this.#api.raw("POST /secrets/{id}/update", {
      path: { id: current.ID ?? id },
      query: { version: options.version ?? current.Version?.Index ?? 0 },
      body: { ...current.Spec, Labels: change.labels },
    });
    return this.get(current.ID ?? id);
  }

  async remove(id: string): Promise<void> {
    await this.#api.raw("DELETE /secrets/{id}", { path: { id } });
  }
}
