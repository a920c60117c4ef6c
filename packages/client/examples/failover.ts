import { Client } from "@flotilla/client";
import { FailoverTransport, type Transport } from "@flotilla/transport";

// One client over several managers: when the one in use stops answering, the next one serves.
export async function updateThroughAnotherManager(
  managers: Transport[],
  stopFirstManager: () => Promise<void>,
  image: string,
): Promise<{ label: string | undefined; servedBy: string }> {
  const transport = new FailoverTransport(managers);
  const client = new Client({ transport });
  const svc = await client.services.create(image, { name: `example-ha-${Date.now()}`, replicas: 0 });
  try {
    await stopFirstManager();
    // Read-modify-write without a pinned version: safe to carry on through the next manager.
    await client.services.update(svc.id, { labelsAdd: { moved: "yes" } });
    const label = (await client.services.get(svc.id)).attrs.Spec?.Labels?.moved;
    return { label, servedBy: transport.endpoint };
  } finally {
    await client.services.remove(svc.id);
  }
}
