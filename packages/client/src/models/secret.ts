import type { Secret as SecretAttrs } from "@flotilla/types";
import { Model } from "./model.js";

/** What a secret model asks of the client (the secrets resource), on its behalf. */
export interface SecretCalls {
  get(id: string): Promise<{ attrs: SecretAttrs }>;
  update(
    id: string,
    change: { labels: Record<string, string> },
    options: { version?: number },
  ): Promise<{ attrs: SecretAttrs }>;
  remove(id: string): Promise<void>;
}

/** A secret. The engine never returns its data, and neither does this. */
export class Secret extends Model<SecretAttrs> {
  readonly #secrets: SecretCalls;

  constructor(attrs: SecretAttrs, secrets: SecretCalls) {
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
