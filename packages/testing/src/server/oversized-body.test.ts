import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ping as pingAt, postFilled } from "../../test/socket-client.js";

// The served fake (the built flotilla-fake-engine, in a process of its own so that its memory is
// its own) against a 100 MB spec: it answers as Docker 20.10 does, stays up, and does not keep
// the body. Before, it held every byte (RSS 73 -> 709 MB); a Replicas past uint64 killed it.

const BIN = new URL("../../dist/bin/fake-engine.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "flotilla-oversized-"));
const socketPath = join(dir, "engine.sock");
let fake: ChildProcess;
const post = (path: string, head: string, fill: number, tail: string) =>
  postFilled(socketPath, path, head, fill, tail);
const ping = () => pingAt(socketPath);

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB$/m);
  return Number(line![1]) / 1024;
}

beforeAll(async () => {
  fake = spawn(process.execPath, [BIN, "--socket", socketPath], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    fake.stdout!.on("data", (data: Buffer) => {
      if (data.toString().includes("DOCKER_HOST")) resolve();
    });
    fake.once("exit", (code) => reject(new Error(`flotilla-fake-engine exited with ${code}`)));
  });
});

afterAll(async () => {
  if (fake && fake.exitCode === null) {
    const exited = new Promise((resolve) => fake.once("exit", resolve));
    fake.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("the served fake and an oversized spec", () => {
  it("refuses a 100 MB label as the engine does, stays up, and does not keep the body", async () => {
    expect(await ping()).toBe(200);
    const before = rssMiB(fake.pid!);
    const head = '{"Name":"big","TaskTemplate":{"ContainerSpec":{"Image":"busybox"}},"Labels":{"big":"';
    for (let round = 0; round < 2; round++) {
      const answer = await post("/v1.41/services/create", head, 100, '"}}');
      expect(answer).toEqual({
        status: 500,
        // Recorded from Docker 20.10 with the same body: the size of its protobuf encoding.
        body: '{"message":"rpc error: code = ResourceExhausted desc = grpc: received message larger than max (104857647 vs. 4194304)"}\n',
      });
    }
    expect(await ping()).toBe(200);
    // Two 100 MB bodies read: what stays is some of the 8 MiB the fake holds of one, not the bodies.
    expect(rssMiB(fake.pid!) - before).toBeLessThan(100);
  });

  it("answers Replicas past uint64 with the engine's 400 and stays up", async () => {
    const body = `{"Name":"big","TaskTemplate":{"ContainerSpec":{"Image":"busybox"}},"Mode":{"Replicated":{"Replicas":100000000000000000000}}}`;
    const answer = await post("/v1.41/services/create", body, 0, "");
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      message:
        "json: cannot unmarshal number 100000000000000000000 into Go struct field ReplicatedService.Mode.Replicated.Replicas of type uint64",
    });
    expect(await ping()).toBe(200);
  });
});
