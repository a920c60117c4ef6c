import type { FilterValue } from "@flotilla/transport";
import type { Node as NodeAttrs, Service as ServiceAttrs } from "@flotilla/types";

// What the resources take beside an ID, apart from them so that the models, which call the
// resources on an object's behalf, can name it without importing the resources back.

export interface TaskFilters {
  id?: FilterValue;
  name?: FilterValue;
  node?: FilterValue;
  label?: FilterValue;
  desiredState?: FilterValue;
  service?: FilterValue;
}

export interface UpdateOptions {
  /**
   * The version the change is based on. Given, a stale version fails with StaleVersionError;
   * left out, the current spec is read, changed and sent, retrying when someone else wins the race.
   */
  version?: number;
  /**
   * The service as the caller last read it: the first attempt changes it and writes at its version
   * without reading it again (a stale one is refused by the engine and, unpinned, read afresh).
   */
  current?: ServiceAttrs;
  /**
   * Read-modify-write attempts before giving up with StaleVersionError, with a random pause that
   * grows between them; 16 by default, which lets 100 concurrent writers of one service through.
   */
  retries?: number;
  /**
   * Send credentials for the image's registry from the docker config (`--with-registry-auth`).
   * By default only when the change gives the service another image: otherwise the engine keeps
   * the credentials it stored with the service (its `registryAuthFrom=spec`), and the docker
   * config is not read nor any credential helper run. `true` replaces the stored ones (a token
   * that expired); `false` never sends any.
   */
  registryAuth?: boolean;
  signal?: AbortSignal;
}

/** A change to a node: fields to set, and labels to add or drop. */
export interface NodeChange {
  name?: string;
  role?: "worker" | "manager";
  availability?: "active" | "pause" | "drain";
  /** Replaces every label. */
  labels?: Record<string, string>;
  labelsAdd?: Record<string, string>;
  labelsRemove?: string[];
}

export interface NodeUpdateOptions {
  /** The version the change is based on; without it the node is read first (and re-read on a race). */
  version?: number;
  current?: NodeAttrs;
  retries?: number;
}
