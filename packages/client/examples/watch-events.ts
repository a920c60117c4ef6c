import type { Client } from "@flotilla/client";

// Follow a service's events while changing it; stop by breaking out of the loop.
export async function watchEvents(client: Client, image: string): Promise<string[]> {
  const name = `example-events-${Date.now()}`;
  const since = new Date(Date.now() - 1000);
  const svc = await client.services.create(image, { name, replicas: 0 });
  await svc.update({ labelsAdd: { touched: "yes" } });
  await svc.remove();
  const actions: string[] = [];
  for await (const event of client.system.events({ since, filters: { type: "service", service: name } })) {
    actions.push(event.Action ?? "");
    if (event.Action === "remove") break;
  }
  return actions;
}
