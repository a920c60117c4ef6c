import { DockerClient } from "@docker/node-sdk";
import { UnixSocketTransport, withApiVersion } from "@flotilla/transport";
import Docker from "dockerode";
import { Pool } from "undici";

// The same two calls made four ways. Every contender uses versioned paths, reads the whole body
// (JSON parsed for /services) and keeps its connections alive. @flotilla/transport is imported
// from its build (dist/), as users get it: run from source through tsx, every function it makes
// per request would also pay for esbuild's name-keeping helper, which the others do not.

export interface Contender {
  name: string;
  ping(): Promise<void>;
  services(): Promise<void>;
  close(): Promise<void>;
}

const VERSION = "1.41";

export async function contenders(socketPath: string): Promise<Contender[]> {
  const flotilla = withApiVersion(new UnixSocketTransport({ socketPath, connections: 16 }), {
    version: VERSION,
  });
  const pool = new Pool("http://localhost", { socketPath, connections: 16 });
  const dockerode = new Docker({ socketPath, version: `v${VERSION}` });
  const sdk = await DockerClient.fromDockerHost(`unix:${socketPath}`);
  // 0.0.17 has no service calls yet: its own HTTP client (the one its methods use) makes them.
  const sdkApi = (sdk as unknown as { api: { get(uri: string, accept: string): Promise<Response> } }).api;
  return [
    {
      name: "flotilla",
      ping: async () => void (await (await flotilla.request({ method: "GET", path: "/_ping" })).text()),
      services: async () =>
        void (await (await flotilla.request({ method: "GET", path: "/services" })).json()),
      close: () => flotilla.close(),
    },
    {
      name: "undici (raw)",
      ping: async () =>
        void (await (await pool.request({ method: "GET", path: `/v${VERSION}/_ping` })).body.text()),
      services: async () =>
        void (await (await pool.request({ method: "GET", path: `/v${VERSION}/services` })).body.json()),
      close: () => pool.close(),
    },
    {
      name: "dockerode",
      ping: async () => void (await dockerode.ping()),
      services: async () => void (await dockerode.listServices()),
      close: async () => {},
    },
    {
      name: "@docker/node-sdk",
      ping: async () => void (await (await sdkApi.get("/_ping", "text/plain")).text()),
      services: async () => void (await (await sdkApi.get("/services", "application/json")).json()),
      close: () => sdk.close(),
    },
  ];
}
