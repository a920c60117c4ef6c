import { type Duration, toMillis } from "./duration.js";

// What a container of a given image does once started, when a test says so. Without an entry the
// container runs its command through the shell simulator (see container.ts).

export interface LogLine {
  /** Printed this long after the container starts (default: at start). */
  after?: Duration;
  stream?: "stdout" | "stderr";
  line: string;
}

export interface ImageBehaviour {
  /** Exit with this code this long after starting (code 0: the task completes; else it fails). */
  exit?: { code: number; after?: Duration };
  /** The container cannot start: the task fails in `starting` with this error. */
  failsToStart?: string;
  /** The image does not exist: the task is rejected in `preparing`, as the engine does. */
  missing?: boolean;
  /** The health check starts failing this long after start; swarm then fails the task. */
  unhealthyAfter?: Duration;
  /** Output, one entry per line. */
  logs?: ReadonlyArray<string | LogLine>;
  /** Exit code when the task is stopped (a shell that ignores SIGTERM is killed: 137). */
  stopExitCode?: number;
  /** Paths the image declares as volumes (`VOLUME`), as its inspection's `Config.Volumes` lists them. */
  volumes?: readonly string[];
}

export interface NormalizedBehaviour {
  exit?: { code: number; after: number };
  failsToStart?: string;
  missing: boolean;
  unhealthyAfter?: number;
  logs: { after: number; stream: 1 | 2; line: string }[];
  stopExitCode: number;
  volumes?: readonly string[];
}

export class ImageRegistry {
  readonly #byImage = new Map<string, NormalizedBehaviour>();

  define(image: string, behaviour: ImageBehaviour): void {
    this.#byImage.set(image, normalize(behaviour));
  }

  /** Exact reference first, then the reference without digest, then without tag. */
  find(image: string): NormalizedBehaviour | undefined {
    const noDigest = image.split("@")[0]!;
    const noTag = noDigest.replace(/:[^/:]+$/, "");
    return this.#byImage.get(image) ?? this.#byImage.get(noDigest) ?? this.#byImage.get(noTag);
  }

  entries(): [string, NormalizedBehaviour][] {
    return [...this.#byImage];
  }

  restore(entries: [string, NormalizedBehaviour][]): void {
    this.#byImage.clear();
    for (const [image, behaviour] of entries) this.#byImage.set(image, behaviour);
  }
}

function normalize(b: ImageBehaviour): NormalizedBehaviour {
  return {
    ...(b.exit && { exit: { code: b.exit.code, after: toMillis(b.exit.after ?? 0) } }),
    ...(b.failsToStart !== undefined && { failsToStart: b.failsToStart }),
    missing: b.missing ?? false,
    ...(b.unhealthyAfter !== undefined && { unhealthyAfter: toMillis(b.unhealthyAfter) }),
    logs: (b.logs ?? []).map((entry) => {
      const line = typeof entry === "string" ? { line: entry } : entry;
      return { after: toMillis(line.after ?? 0), stream: line.stream === "stderr" ? 2 : 1, line: line.line };
    }),
    stopExitCode: b.stopExitCode ?? 0,
    ...(b.volumes && { volumes: [...b.volumes] }),
  };
}
