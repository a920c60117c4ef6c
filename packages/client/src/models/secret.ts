import type { Secret as SecretAttrs } from "@flotilla/types";
import type { Secrets } from "../resources/secrets.js";
import { Model } from "./model.js";

/** A secret. The engine never returns its data, and neither does this. */
export class Secret extends Model<SecretAttrs> {
  readonly #secrets: Secrets;

  constructor(attrs: SecretAttrs, secrets: Secrets) {
    super(attrs);
    this.#secrets = secrets;
  }

  get name(): string | undefined {
    return this.attrs.Spec?.Name;
  }

  get labels(): Record<string, string> {
    return this.attrs.Spec?.Labels ?? {};
  }

  protected async fetch(): Promise<SecretAttrs> {
    return (await this.#secrets.get(this.id)).attrs;
  }

  async updateLabels(labels: Record<string, string>): Promise<this> {
    this.attrs = (await this.#secrets.update(this.id, { labels }, { version: this.version })).attrs;
    return this;
  }

  remove(): Promise<void> {
    return this.#secrets.remove(this.id);
  }
}
