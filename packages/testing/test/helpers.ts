import type { FakeSwarm } from "../src/index.js";

// Raw calls against the fake's handler, the way a client would send them.

export async function call(swarm: FakeSwarm, method: string, path: string, body?: unknown) {
  const response = await swarm.handle(
    new Request(`http://fake/v1.41${path}`, {
      method,
      ...(body !== undefined && {
        body: JSON.stringify(body),
        headers: { "Content-Type": "application/json" },
      }),
    }),
  );
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export function serviceSpec(name: string, extra: Record<string, unknown> = {}) {
  return {
    Name: name,
    TaskTemplate: { ContainerSpec: { Image: "app:1" } },
    Mode: { Replicated: { Replicas: 1 } },
    ...extra,
  };
}

export async function createService(swarm: FakeSwarm, spec: Record<string, unknown>): Promise<string> {
  const { status, body } = await call(swarm, "POST", "/services/create", spec);
  if (status !== 201) throw new Error(`create failed: ${status} ${JSON.stringify(body)}`);
  return body.ID;
}

export async function updateService(
  swarm: FakeSwarm,
  id: string,
  change: (spec: Record<string, unknown>) => void,
  query = "",
) {
  const current = swarm.service(id);
  const spec = structuredClone(current.Spec) as Record<string, unknown>;
  change(spec);
  return call(swarm, "POST", `/services/${id}/update?version=${current.Version!.Index}${query}`, spec);
}

export function states(swarm: FakeSwarm, service: string) {
  return swarm
    .tasks(service)
    .filter((t) => t.DesiredState !== "shutdown")
    .map((t) => `${t.Slot ?? t.NodeID}:${t.Status!.State}`)
    .sort();
}

/** A dockerode call's answer, or the engine's status and message when it refused. */
export async function attempt<T>(
  call: () => Promise<T>,
): Promise<T | { statusCode: number; message: string }> {
  try {
    return await call();
  } catch (error) {
    const e = error as { statusCode: number; json?: { message: string } };
    return { statusCode: e.statusCode, message: e.json?.message ?? String(error) };
  }
}
