import { type Client, StaleVersionError } from "@flotilla/client";

// Change a service without losing someone else's concurrent change.
export async function updateSafely(client: Client, image: string, nextImage: string): Promise<string[]> {
  const api = await client.services.create(image, { name: `example-api-${Date.now()}`, replicas: 0 });
  try {
    // Read-modify-write: the current spec is read, patched and sent; races are retried.
    await client.services.update(api.id, {
      image: nextImage,
      envAdd: { FEATURE: "on" },
      labelsAdd: { team: "core" },
    });

    // A model holds the version it was read at: updating it after another change fails clearly.
    try {
      await api.update({ labelsAdd: { stale: "yes" } });
    } catch (error) {
      if (!(error instanceof StaleVersionError)) throw error;
      await api.reload();
      await api.update({ labelsAdd: { stale: "no" } });
    }
    return Object.keys(api.attrs.Spec?.Labels ?? {}).sort();
  } finally {
    await api.remove();
  }
}
