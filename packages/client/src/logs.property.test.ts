import { encodeFrame } from "@flotilla/transport";
import { IterableResponse } from "@flotilla/transport/internal";
import { isFlotillaError } from "@flotilla/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LogLine, logLines, toUnixSeconds } from "./logs.js";

// Log bodies as an engine, a proxy or a broken container might send them: any bytes in frames,
// detail attributes that are not URL-encoded, timestamps that are not times. Lines come out, or
// a typed error; never a URIError, and never a pattern that backtracks for seconds.

const RUNS = { seed: 18, numRuns: 500, interruptAfterTimeLimit: 10_000 };

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

async function collect(chunks: Uint8Array[], options: Parameters<typeof logLines>[1]): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const line of logLines(response(chunks), options)) out.push(line);
  return out;
}

const piece = fc.oneof(
  fc.constantFrom(
    "a=",
    "=",
    ",",
    " ",
    "%",
    "%zz",
    "%E0%A4%A",
    "\n",
    "2026-01-02T03:04:05Z ",
    "com.docker.swarm.task.id=",
    "__proto__=x",
  ),
  fc.string({ maxLength: 4 }),
);
const lineText = fc.array(piece, { maxLength: 30 }).map((p) => p.join(""));

describe("logLines, fuzzed", () => {
  it("gives lines or a typed error for any frames", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            lineText.map((t) => new TextEncoder().encode(t)),
            fc.uint8Array({ maxLength: 40 }),
          ),
          { maxLength: 5 },
        ),
        fc.boolean(),
        fc.record({ timestamps: fc.boolean(), details: fc.boolean(), tty: fc.boolean() }),
        async (texts, framed, options) => {
          const chunks = framed && !options.tty ? texts.map((t) => encodeFrame("stdout", t)) : texts;
          try {
            for (const line of await collect(chunks, options)) expect(typeof line.line).toBe("string");
          } catch (error) {
            expect(isFlotillaError(error), String(error)).toBe(true);
          }
        },
      ),
      RUNS,
    );
  });

  // Regressions the fuzzing found.
  it("keeps a detail value that is not valid URL encoding as written", async () => {
    const lines = await collect(
      [encodeFrame("stdout", new TextEncoder().encode("com.docker.swarm.task.id=%zz hi\n"))],
      {
        details: true,
      },
    );
    expect(lines).toEqual([
      { stream: "stdout", line: "hi", taskId: "%zz", details: { "com.docker.swarm.task.id": "%zz" } },
    ]);
  });

  it("reads a line of 2,000 'a=' without backtracking", async () => {
    const text = `${"a=".repeat(2000)}x\n`;
    const lines = await collect([encodeFrame("stdout", new TextEncoder().encode(text))], {});
    expect(lines[0]?.line).toBe(text.trimEnd());
  });

  it.each(["soon", "", "NaN", "1e400"])("refuses since %j, naming it", (since) => {
    expect(() => toUnixSeconds(since, "since")).toThrow(
      expect.objectContaining({
        code: "ERR_VALIDATION",
        issues: [expect.objectContaining({ path: "since" })],
      }),
    );
  });

  it.each([
    ["2026-01-02T00:00:00Z", 1767312000],
    ["1767312000.5", 1767312000.5],
    [12, 12],
  ] as const)("reads since %j as %d", (since, want) => {
    expect(toUnixSeconds(since)).toBe(want);
  });
});
