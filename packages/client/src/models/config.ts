import type { Config as ConfigAttrs } from "@flotilla/types";
import { Model } from "./model.js";

/** What a config model asks of the client (the configs resource), on its behalf. */
export interface ConfigCalls {
  get(id: string): Promise<{ attrs: ConfigAttrs }>;
  update(
    id: string,
    change: { labels: Record<string, string> },
    options: { version?: number },
  ): Promise<{ attrs: ConfigAttrs }>;
  remove(id: string): Promise<void>;
}

/** A config: like a secret, but its data can be read back. */
export class Config extends Model<ConfigAttrs> {
  readonly #configs: ConfigCalls;

  constructor(attrs: ConfigAttrs, configs: ConfigCalls) {
    super(attrs);
    this.#configs = configs;
  }

  get name(): string | undefined {
    return this.attrs.Spec?.Name;
  }

  get labels(): Record<string, string> {
    return this.attrs.Spec?.Labels ?? {};
  }

  /** The config's data, decoded from the engine's base64. */
  get data(): Uint8Array {
    return Buffer.from(this.attrs.Spec?.Data ?? "", "base64");
  }

  /** The data as UTF-8 text. */
  text(): string {
    return Buffer.from(this.data).toString("utf8");
  }

  protected async fetch(): Promise<ConfigAttrs> {
    return (await this.#configs.get(this.id)).attrs;
  }

  async updateLabels(labels: Record<string, string>): Promise<this> {
    this.attrs = (await this.#configs.update(this.id, { labels }, { version: this.version })).attrs;
    return this;
  }

  remove(): Promise<void> {
    return this.#configs.remove(this.id);
  }
}
