import type { Cluster } from "../core/cluster.js";
import type { NormalizedBehaviour } from "../core/images.js";
import type { StoreData } from "../core/store.js";
import type { Timer } from "../core/timers.js";

// The whole swarm as one structured-cloneable value: objects, bookkeeping, pending timers, the
// clock, the ID generator and the image table. Restoring puts all of it back.

export interface SwarmSnapshot {
  readonly now: number;
  readonly rng: number;
  readonly data: StoreData;
  readonly timers: { heap: Timer[]; seq: number };
  readonly images: [string, NormalizedBehaviour][];
}

export function snapshotOf(cluster: Cluster): SwarmSnapshot {
  // One clone call keeps shared task specs shared, which the updater relies on.
  return structuredClone({
    now: cluster.now,
    rng: cluster.ids.state,
    data: cluster.store.data,
    timers: { heap: cluster.timers.heap, seq: cluster.timers.seq },
    images: cluster.images.entries(),
  });
}

export function restoreInto(cluster: Cluster, snapshot: SwarmSnapshot): void {
  const copy = structuredClone(snapshot);
  cluster.now = copy.now;
  cluster.ids.state = copy.rng;
  cluster.store.data = copy.data;
  cluster.store.reindex();
  cluster.timers.heap = copy.timers.heap;
  cluster.timers.seq = copy.timers.seq;
  cluster.images.restore(copy.images);
  cluster.traces.clear();
  cluster.dirtyServices.clear();
  cluster.dirtyUpdates.clear();
  cluster.pending.clear();
  for (const task of copy.data.tasks.values()) {
    if (task.Status.State === "pending") cluster.pending.add(task.ID);
  }
  cluster.rebuildLoad();
}
