import { encodeFrame } from "@flotilla/transport";
import { IterableResponse } from "@flotilla/transport/internal";
import { describe, expect, it } from "vitest";
import { logLines } from "./logs.js";

function response(chunks: Uint8Array[]) {
  async function* body() {
    yield* chunks;
  }
  return new IterableResponse({
    status: 200,
    headers: {},
    body: body(),
    cancel: async () => {},
    mapError: (e) => e,
  });
}

const text = (s: string) => new TextEncoder().encode(s);
const attrs = "com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("logLines", () => {
  it("reads task and node from the details and drops them unless asked for", async () => {
    const body = response([
      encodeFrame("stdout", text(`${attrs} hello\n`)),
      encodeFrame("stderr", text(`${attrs} oops\n`)),
    ]);
    expect(await collect(logLines(body, {}))).toEqual([
      { stream: "stdout", line: "hello", taskId: "t1", nodeId: "n1", serviceId: "s1" },
      { stream: "stderr", line: "oops", taskId: "t1", nodeId: "n1", serviceId: "s1" },
    ]);
  });

  it("joins lines split across frames and keeps timestamps when asked", async () => {
    const ts = "2026-01-02T03:04:05.123456789Z";
    const body = response([
      encodeFrame("stdout", text(`${ts} ${attrs} hel`)),
      encodeFrame("stdout", text("lo\n")),
    ]);
    const [line] = await collect(logLines(body, { timestamps: true, details: true }));
    expect(line).toMatchObject({
      line: "hello",
      timestamp: ts,
      details: { "com.docker.swarm.task.id": "t1" },
    });
  });

  it("stops at `until`, which the engine does not filter for services", async () => {
    const early = "2026-01-01T00:00:00Z";
    const late = "2026-01-03T00:00:00Z";
    const body = response([encodeFrame("stdout", text(`${early} ${attrs} a\n${late} ${attrs} b\n`))]);
    const lines = await collect(logLines(body, { until: "2026-01-02T00:00:00Z" }));
    expect(lines.map((l) => l.line)).toEqual(["a"]);
    expect(lines[0]!.timestamp).toBeUndefined();
  });

  it("reads a TTY service's raw output as stdout", async () => {
    const body = response([text(`${attrs} raw line\r\n`)]);
    expect(await collect(logLines(body, { tty: true }))).toMatchObject([
      { stream: "stdout", line: "raw line" },
    ]);
  });
});
