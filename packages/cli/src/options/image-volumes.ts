import type { Client } from "@flotilla/client";
import { NotFoundError } from "@flotilla/transport";

// Kontena's stateful services kept the volumes their image declares (`VOLUME` in its
// Dockerfile). Swarm has no such notion, so the image is asked for them, which only works where
// the engine answering holds the image (a manager that never ran it does not): then
// "not-on-engine", and the user names the volumes with -v.

export type ImageVolumes = readonly string[] | "not-on-engine";

/** The paths `image` declares as volumes, as the engine answering holds it. */
export async function imageVolumes(client: Client, image: string): Promise<ImageVolumes> {
  try {
    const inspected = await client.raw("GET /images/{name}/json", { path: { name: image } });
    return Object.keys(inspected.Config?.Volumes ?? {}).sort();
  } catch (error) {
    if (error instanceof NotFoundError) return "not-on-engine";
    throw error;
  }
}
