// The floor for any Node CLI: list services with nothing but node:http over the unix socket.
import { request } from "node:http";

const socketPath = (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock").replace(/^unix:\/\//, "");
request({ socketPath, path: "/v1.41/services" }, (res) => {
  let body = "";
  res.setEncoding("utf8");
  res.on("data", (chunk) => {
    body += chunk;
  });
  res.on("end", () => {
    for (const service of JSON.parse(body)) process.stdout.write(`${service.ID} ${service.Spec.Name}\n`);
  });
}).end();
