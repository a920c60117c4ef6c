import { type Fixtures, IMAGE } from "./requests.js";
import type { Send } from "./send.js";

// The objects the table refers to, made on one target through its own API, and removed after
// with anything else the table created (everything it makes is named with `prefix`).

const JSON_HEADERS = { "content-type": "application/json" };

async function call<T>(send: Send, method: string, path: string, body?: unknown): Promise<T> {
  const answer = await send({
    method,
    path: `/v1.41${path}`,
    headers: body === undefined ? {} : JSON_HEADERS,
    body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
  });
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
  return (answer.text ? JSON.parse(answer.text) : undefined) as T;
}

export async function createFixtures(send: Send, prefix: string): Promise<Fixtures> {
  const secret = `${prefix}-secret`;
  const config = `${prefix}-config`;
  const network = `${prefix}-net`;
  const service = `${prefix}-svc`;
  const { ID: secretId } = await call<{ ID: string }>(send, "POST", "/secrets/create", {
    Name: secret,
    Data: Buffer.from("secret").toString("base64"),
  });
  const { ID: configId } = await call<{ ID: string }>(send, "POST", "/configs/create", {
    Name: config,
    Data: Buffer.from("config").toString("base64"),
  });
  await call(send, "POST", "/networks/create", { Name: network, Driver: "overlay" });
  const { ID: serviceId } = await call<{ ID: string }>(send, "POST", "/services/create", {
    Name: service,
    TaskTemplate: { ContainerSpec: { Image: IMAGE, Args: ["sleep", "300"] } },
    Mode: { Replicated: { Replicas: 0 } },
  });
  const created = await call<{ Version: { Index: number } }>(send, "GET", `/services/${serviceId}`);
  const info = await call<{ Swarm: { NodeID: string } }>(send, "GET", "/info");
  const node = await call<{ Version: { Index: number } }>(send, "GET", `/nodes/${info.Swarm.NodeID}`);
  return {
    service,
    serviceId,
    serviceVersion: created.Version.Index,
    node: info.Swarm.NodeID,
    nodeVersion: node.Version.Index,
    secret,
    secretId,
    config,
    configId,
    network,
  };
}

/** Removes every service, secret, config and network whose name starts with `prefix`. */
export async function removeAll(send: Send, prefix: string): Promise<void> {
  // Listed unfiltered: dockerd 20.10 leaves swarm networks out of a list filtered by name.
  for (const kind of ["services", "secrets", "configs", "networks"] as const) {
    const objects = await call<{ ID?: string; Id?: string; Name?: string; Spec?: { Name: string } }[]>(
      send,
      "GET",
      `/${kind}`,
    );
    for (const object of objects) {
      const name = object.Spec?.Name ?? object.Name ?? "";
      if (!name.startsWith(prefix)) continue;
      const answer = await send({
        method: "DELETE",
        path: `/v1.41/${kind}/${object.ID ?? object.Id}`,
        headers: {},
      });
      if (answer.status >= 300) throw new Error(`could not remove ${kind} ${name}: ${answer.text}`);
    }
  }
}
