// What every swarm object looks like from the client, as docker-py's models do: the engine's
// document in `attrs`, a few names for what everyone reads from it, and `reload()`.

export interface SwarmObject {
  ID?: string;
  Version?: { Index?: number };
  CreatedAt?: string;
  UpdatedAt?: string;
}

export abstract class Model<Attrs extends SwarmObject> {
  /** The engine's document as last read; `reload()` refreshes it. */
  attrs: Attrs;

  constructor(attrs: Attrs) {
    this.attrs = attrs;
  }

  get id(): string {
    return this.attrs.ID ?? "";
  }

  /**
   * The first 12 characters of the ID, as the docker CLI and `flotilla` print it (docker-py's
   * `short_id` is 10): a logged ID then matches `docker service ls`.
   */
  get shortId(): string {
    return this.id.slice(0, 12);
  }

  /** The object's version: updates must carry it, so the engine can refuse one based on stale data. */
  get version(): number | undefined {
    return this.attrs.Version?.Index;
  }

  abstract get name(): string | undefined;

  /** Reads the object again and returns this model, now current. */
  async reload(): Promise<this> {
    this.attrs = await this.fetch();
    return this;
  }

  protected abstract fetch(): Promise<Attrs>;

  toJSON(): Attrs {
    return this.attrs;
  }
}
