import type { StoredService } from "./model.js";

// The attributes dockerd puts on a service "update" event when the spec itself changed.

type Spec = StoredService["Spec"];

/** What dockerd's service events name of a spec change: the image and the replica count. */
export function specChangeAttributes(before: Spec, after: Spec): Record<string, string> {
  const attributes: Record<string, string> = { name: after.Name ?? "" };
  const image = (s: Spec) => s.TaskTemplate.ContainerSpec?.Image ?? "";
  if (image(before) !== image(after))
    Object.assign(attributes, { "image.new": image(after), "image.old": image(before) });
  const replicas = (s: Spec) => String(s.Mode?.Replicated?.Replicas ?? "");
  if (replicas(before) !== replicas(after)) {
    Object.assign(attributes, { "replicas.new": replicas(after), "replicas.old": replicas(before) });
  }
  return attributes;
}
