import { describe, expect, it } from "vitest";
import { createService, serviceSpec } from "../../../test/helpers.js";
import { createFakeSwarm, type FakeSwarm } from "../../index.js";

// What a service command sees of the swarm through the shell: `date` reads the swarm's clock at
// the time the line is printed, and counters, pipes and filters work in a task as in busybox.

async function stdout(swarm: FakeSwarm, service: string) {
  const response = await swarm.handle(
    new Request(`http://fake/v1.41/services/${service}/logs?stdout=1&timestamps=1`),
  );
  const bytes = new Uint8Array(await response.arrayBuffer());
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; ) {
    const length = new DataView(bytes.buffer, i + 4, 4).getUint32(0);
    lines.push(
      Buffer.from(bytes.subarray(i + 8, i + 8 + length))
        .toString()
        .trimEnd(),
    );
    i += 8 + length;
  }
  return lines;
}

describe("service commands in the fake's tasks", () => {
  it("tell the swarm's time and count with arithmetic through pipes", async () => {
    await using swarm = await createFakeSwarm({
      seed: 3,
      start: "2024-02-03T04:05:00Z",
      timings: { step: 100 },
    });
    const script =
      'i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo "$i $(( i * i ))" | tr 123 abc; date -u +%T; sleep 2; done';
    const id = await createService(
      swarm,
      serviceSpec("count", {
        TaskTemplate: {
          ContainerSpec: { Image: "flotilla-test/busybox:latest", Command: ["sh", "-c", script] },
          RestartPolicy: { Condition: "none" },
        },
      }),
    );
    swarm.advance("10s");
    // The task starts 500 ms in (five agent steps of 100 ms); each line is stamped when printed.
    expect(await stdout(swarm, id)).toEqual([
      "2024-02-03T04:05:00.500Z a a",
      "2024-02-03T04:05:00.500Z 04:05:00",
      "2024-02-03T04:05:02.500Z b 4",
      "2024-02-03T04:05:02.500Z 04:05:02",
      "2024-02-03T04:05:04.500Z c 9",
      "2024-02-03T04:05:04.500Z 04:05:04",
    ]);
    expect(swarm.tasks(id)[0]!.Status).toMatchObject({ State: "complete" });
  });
});
