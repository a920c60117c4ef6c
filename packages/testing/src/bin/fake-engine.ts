#!/usr/bin/env node
import { createFakeSwarm } from "../fake-swarm.js";
import { parseBinArgs, USAGE } from "./options.js";

// `flotilla-fake-engine --socket /tmp/fake.sock --nodes 3`: a fake swarm for any Docker client.

async function main(): Promise<void> {
  let options: ReturnType<typeof parseBinArgs>;
  try {
    options = parseBinArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`flotilla-fake-engine: ${(error as Error).message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const swarm = await createFakeSwarm(options.swarm);
  const server = await swarm.listen(options.listen);
  process.stdout.write(`export DOCKER_HOST=${server.dockerHost}\n`);
  const stop = () => {
    void swarm.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
