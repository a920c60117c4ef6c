import type { Config as ConfigAttrs } from "@flotilla/types";
import type { Configs } from "../resources/configs.js";
import { Model } from "./model.js";

/** A config: like a secret, but its data can be read back. */
export class Config extends Model<ConfigAttrs> {
  readonly #configs: Configs;

  constructor(attrs: ConfigAttrs, configs: Configs) {
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
