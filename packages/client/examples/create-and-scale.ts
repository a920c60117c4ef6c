import type { Client } from "@flotilla/client";

// Create a service, wait for its task to run, scale it, and remove it; progress goes to `log`.
export async function createAndScale(
  client: Client,
  image: string,
  log: (line: string) => void = console.log,
): Promise<number> {
  const web = await client.services.create(image, {
    name: `example-web-${Date.now()}`,
    command: "sleep 60",
    env: { MODE: "demo" },
    resources: { limits: { cpus: 0.5, memory: "64m" } },
    stopGracePeriod: "1s",
  });
  try {
    await web.waitUntilConverged({ timeout: 30_000 });
    await web.scale(2);
    const progress = await web.waitUntilConverged({
      timeout: 30_000,
      onProgress: (p) => log(`${p.running}/${p.desired} running`),
    });
    return progress.running;
  } finally {
    await web.remove();
  }
}
