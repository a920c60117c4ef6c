import type { Client } from "@flotilla/client";
import type { ServiceSpec } from "@flotilla/types";
import { NotFoundInSwarmError } from "../../errors.js";

/** Every secret a spec names must exist already: linking never creates one. */
export async function requireSecrets(client: Client, spec: ServiceSpec): Promise<void> {
  const names = (spec.TaskTemplate?.ContainerSpec?.Secrets ?? [])
    .filter((s) => !s.SecretID)
    .map((s) => s.SecretName!);
  if (names.length === 0) return;
  const existing = new Set((await client.secrets.list()).map((s) => s.name));
  const missing = names.find((name) => !existing.has(name));
  if (missing) throw new NotFoundInSwarmError("secret", missing);
}
