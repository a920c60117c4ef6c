import type { Client } from "@flotilla/client";
import { NotFoundError } from "@flotilla/transport";
import type { ImageCommand } from "./secret-env.js";

// Kontena's stateful services kept the volumes their image declares (`VOLUME` in its
// Dockerfile). Swarm has no such notion, so the image is asked for them, which only works where
// the engine answering holds the image (a manager that never ran it does not): then
// "not-on-engine", and the user names the volumes with -v.

export type ImageVolumes = readonly string[] | "not-on-engine";

/** The paths `image` declares as volumes, as the engine answering holds it. */
export async function imageVolumes(client: Client, image: string): Promise<ImageVolumes> {
  const config = await imageConfig(client, image);
  return config === "not-on-engine" ? config : Object.keys(config?.Volumes ?? {}).sort();
}

/** The entrypoint and command `image` runs, as the engine answering holds it. */
export async function imageCommand(client: Client, image: string): Promise<ImageCommand | "not-on-engine"> {
  const config = await imageConfig(client, image);
  return config === "not-on-engine"
    ? config
    : { entrypoint: config?.Entrypoint ?? [], cmd: config?.Cmd ?? [] };
}

async function imageConfig(client: Client, image: string) {
  try {
    return (await client.raw("GET /images/{name}/json", { path: { name: image } })).Config;
  } catch (error) {
    if (error instanceof NotFoundError) return "not-on-engine" as const;
    throw error;
  }
}
