// The smallest server that answers like the engine for the two benchmarked calls, on a unix
// socket, in its own process so it does not share an event loop with the clients it serves.
import { unlinkSync } from "node:fs";
import { createServer } from "node:http";

const socketPath = process.argv[2];
const service = (i) => ({
  ID: `svc${String(i).padStart(22, "0")}`,
  Version: { Index: 1000 + i },
  CreatedAt: "2026-01-01T00:00:00.000000000Z",
  UpdatedAt: "2026-01-01T00:00:00.000000000Z",
  Spec: {
    Name: `bench-${i}`,
    Labels: { "flotilla.bench": "1" },
    TaskTemplate: {
      ContainerSpec: { Image: "flotilla-test/busybox:latest", Args: ["sleep", "infinity"], Init: false },
      Resources: { Limits: {}, Reservations: {} },
      RestartPolicy: { Condition: "any", Delay: 5000000000, MaxAttempts: 0 },
      Placement: {},
      ForceUpdate: 0,
      Runtime: "container",
    },
    Mode: { Replicated: { Replicas: 0 } },
    UpdateConfig: {
      Parallelism: 1,
      FailureAction: "pause",
      Monitor: 5000000000,
      MaxFailureRatio: 0,
      Order: "stop-first",
    },
    EndpointSpec: { Mode: "vip" },
  },
  Endpoint: { Spec: {} },
});
const services = Buffer.from(JSON.stringify(Array.from({ length: 100 }, (_, i) => service(i))));
const headers = { "api-version": "1.41", "content-type": "application/json" };

try {
  unlinkSync(socketPath);
} catch {}
createServer((req, res) => {
  if (req.url.endsWith("/_ping")) {
    res.writeHead(200, {
      "api-version": "1.41",
      "content-type": "text/plain; charset=utf-8",
      "content-length": 2,
    });
    res.end("OK");
  } else if (req.url.includes("/services")) {
    res.writeHead(200, { ...headers, "content-length": services.length });
    res.end(services);
  } else {
    res.writeHead(404, headers);
    res.end('{"message":"page not found"}');
  }
}).listen(socketPath, () => process.send?.("ready"));
