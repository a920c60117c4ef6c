// The same listing with dockerode, the usual Node Docker client.
import Docker from "dockerode";

const docker = new Docker();
for (const service of await docker.listServices())
  process.stdout.write(`${service.ID} ${service.Spec.Name}\n`);
