import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RecordingEndpoint, recordingEndpoint } from "./endpoint.js";
import { requireBuiltBin, runBin } from "./run-bin.js";

// `service events -t` follows the engine's event stream and polls tasks side by side. When the
// stream breaks (the engine goes away mid-body), the built `flotilla` reports it as one line and
// exits 1. It used to leave that failure unawaited: Node then printed its report of an
// unhandled rejection, quoting the bundle's source line (about 171 KB of minified code).

const IMAGE = "flotilla-test/busybox:latest";

describe("the built flotilla when the event stream it follows breaks", () => {
  let swarm: FakeSwarm;
  let endpoint: RecordingEndpoint;

  beforeAll(async () => {
    requireBuiltBin();
    swarm = await createFakeSwarm({
      nodes: 1,
      clock: "real",
      start: Date.now(),
      timings: { step: 2, stop: 2 },
      images: { "flotilla-test/busybox": {} },
    });
    endpoint = await recordingEndpoint((request) => {
      const url = new URL(request.url);
      // Following (no `until`): headers, then the connection is cut a moment later.
      if (url.pathname.endsWith("/events") && !url.searchParams.has("until")) {
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => {
            setTimeout(() => controller.error(new Error("engine went away")), 300);
          },
        });
        return new Response(body, { headers: { "content-type": "application/json" } });
      }
      return swarm.handle(request);
    });
    const created = await runBin(["service", "create", "web", IMAGE, "-q"], endpoint.dockerHost);
    expect(created.code).toBe(0);
  });
  afterAll(async () => {
    await endpoint?.close();
    await swarm?.close();
  });

  it("exits 1 with one line on stderr, no stack and no source", async () => {
    const result = await runBin(["service", "events", "web", "-t"], endpoint.dockerHost);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flotilla: [^\n]*\n$/);
    expect(result.stderr.length).toBeLessThan(300);
    expect(endpoint.received.some((r) => r.path.includes("/events") && !r.path.includes("until"))).toBe(true);
  });
});
