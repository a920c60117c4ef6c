import { createHash } from "node:crypto";
import type { Cluster } from "../core/cluster.js";
import { EngineError } from "../core/errors.js";
import { type Route, route } from "./context.js";
import { parseFilters } from "./filters.js";
import { json } from "./http.js";
import { answeringNodeTasks, containerOf } from "./routes-containers.js";
import { unescapePath } from "./unescape-path.js";

// What the answering node keeps for the tasks it ran: the named volumes their mounts created and
// the images they used. Drawn from its tasks, as `docker volume ls`, `docker image ls` and
// `docker system df` show them on Docker 20.10; sizes are 0, as nothing was pulled or written.

interface Volume {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: "local";
}

/** The task containers that were created (they have an ID), oldest first. */
function createdTasks(cluster: Cluster) {
  return answeringNodeTasks(cluster)
    .filter((t) => t.Status.ContainerStatus?.ContainerID)
    .sort((a, b) => Date.parse(a.CreatedAt) - Date.parse(b.CreatedAt));
}

function volumes(cluster: Cluster): Volume[] {
  const out = new Map<string, Volume>();
  for (const task of createdTasks(cluster)) {
    for (const mount of task.Spec.ContainerSpec?.Mounts ?? []) {
      if (mount.Type !== "volume" || !mount.Source || out.has(mount.Source)) continue;
      const options = mount.VolumeOptions;
      out.set(mount.Source, {
        // Docker writes a volume's creation time to the second.
        CreatedAt: `${task.CreatedAt.slice(0, 19)}Z`,
        Driver: options?.DriverConfig?.Name ?? "local",
        Labels: options?.Labels && Object.keys(options.Labels).length ? options.Labels : null,
        Mountpoint: `/var/lib/docker/volumes/${mount.Source}/_data`,
        Name: mount.Source,
        Options: options?.DriverConfig?.Options ?? null,
        Scope: "local",
      });
    }
  }
  return [...out.values()];
}

interface Image {
  Created: number;
  Id: string;
  RepoTags: string[];
}

/** The images the answering node's task containers use, one per tag. */
export function localImages(cluster: Cluster): Image[] {
  const out = new Map<string, Image & Record<string, unknown>>();
  for (const task of createdTasks(cluster)) {
    const ref = task.Spec.ContainerSpec?.Image ?? "";
    const tagged = ref.split("@")[0]!;
    const name = /:[^/]+$/.test(tagged) ? tagged : `${tagged}:latest`;
    if (out.has(name)) continue;
    out.set(name, {
      Containers: -1,
      Created: Math.floor(Date.parse(task.CreatedAt) / 1000),
      Id: `sha256:${createHash("sha256").update(ref).digest("hex")}`,
      Labels: null,
      ParentId: "",
      RepoDigests: null,
      RepoTags: [name],
      SharedSize: -1,
      Size: 0,
      VirtualSize: 0,
    });
  }
  return [...out.values()];
}

function volumesObject(paths: readonly string[]): Record<string, object> | null {
  return paths.length === 0 ? null : Object.fromEntries(paths.map((path) => [path, {}]));
}

export const localRoutes: Route[] = [
  route(
    "GET",
    "/volumes",
    ({ cluster, query }) => {
      const names = parseFilters(query.get("filters"), {
        kind: "InvalidParameter",
        prefix: "error reading volume filters: ",
      }).get("name");
      const out = volumes(cluster).filter((v) => !names || names.some((n) => v.Name.includes(n)));
      return json(200, { Volumes: out, Warnings: null });
    },
    false,
  ),
  route(
    "GET",
    "/volumes/{name}",
    ({ cluster, params }) => {
      const volume = volumes(cluster).find((v) => v.Name === params.name);
      if (!volume) throw new EngineError("NotFound", `get ${params.name}: no such volume`);
      return json(200, volume);
    },
    false,
  ),
  route("GET", "/images/json", ({ cluster }) => json(200, localImages(cluster)), false),
  route(
    "GET",
    "/images/{name}/json",
    ({ cluster, url }) => {
      // Unescaped as the handler unescapes paths: a name that is not UTF-8 is a name like any other.
      const ref = unescapePath(url.pathname.replace(/^(\/v[\d.]+)?\/images\//, "").replace(/\/json$/, ""));
      const tagged = /:[^/]+$/.test(ref) || ref.startsWith("sha256:") ? ref : `${ref}:latest`;
      const image = localImages(cluster).find((i) => i.RepoTags.includes(tagged) || i.Id.startsWith(ref));
      if (!image) throw new EngineError("NotFound", `no such image: ${ref}: No such image: ${tagged}`);
      return json(200, {
        Id: image.Id,
        RepoTags: image.RepoTags,
        RepoDigests: [],
        Parent: "",
        Comment: "",
        Created: new Date(image.Created * 1000).toISOString(),
        Os: "linux",
        Architecture: "amd64",
        Size: 0,
        VirtualSize: 0,
        // The engine sends null for an image that declares no volumes.
        Config: { Volumes: volumesObject(cluster.images.find(image.RepoTags[0]!)?.volumes ?? []) },
      });
    },
    false,
  ),
  route(
    "GET",
    "/system/df",
    ({ cluster }) =>
      json(200, {
        LayersSize: 0,
        Images: localImages(cluster),
        Containers: createdTasks(cluster).map((t) => containerOf(cluster, t)),
        Volumes: volumes(cluster).map((v) => ({ ...v, UsageData: { RefCount: 0, Size: 0 } })),
        BuildCache: [],
        BuilderSize: 0,
      }),
    false,
  ),
];
