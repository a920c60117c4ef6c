import type { Client } from "@flotilla/client";

// Deploy a compose file as a stack (what `docker stack deploy -c - NAME` does), list its
// services, and remove it. `${IMAGE}` is interpolated from `env`, as from the environment.
export async function deployStack(client: Client, image: string): Promise<string[]> {
  const name = `example-${Date.now()}`;
  const compose = `
services:
  web:
    image: \${IMAGE}
    command: sleep 60
    deploy:
      replicas: 2
`;
  await client.stacks.deploy(name, compose, { env: { IMAGE: image }, resolveImage: "never" });
  try {
    const services = await client.stacks.services(name);
    return services.map((service) => service.name ?? service.id);
  } finally {
    await client.stacks.remove(name);
  }
}
