// The floor script doing what flotilla does on the wire: a `_ping` first (the API version
// negotiation every Docker client makes), then the listing, on one kept-alive connection.
import { Agent, request } from "node:http";

const socketPath = (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock").replace(/^unix:\/\//, "");
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const get = (path) =>
  new Promise((resolve, reject) => {
    request({ socketPath, path, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ body, version: res.headers["api-version"] }));
    })
      .on("error", reject)
      .end();
  });

const { version } = await get("/_ping");
const { body } = await get(`/v${version}/services`);
for (const service of JSON.parse(body)) process.stdout.write(`${service.ID} ${service.Spec.Name}\n`);
agent.destroy();
