import { isFlotillaError } from "@flotilla/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { demultiplex, encodeFrame, type StdStream } from "./demultiplex.js";

async function* chunked(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(at, cut);
    at = cut;
  }
  yield bytes.subarray(at);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Record<StdStream, string>> {
  const out: Record<StdStream, Buffer[]> = { stdin: [], stdout: [], stderr: [], system: [] };
  for await (const { stream, data } of demultiplex(source)) out[stream].push(Buffer.from(data));
  const text = (s: StdStream) => Buffer.concat(out[s]).toString("hex");
  return { stdin: text("stdin"), stdout: text("stdout"), stderr: text("stderr"), system: text("system") };
}

const frames = fc.array(
  fc.record({
    stream: fc.constantFrom<StdStream>("stdout", "stderr", "stdin", "system"),
    data: fc.uint8Array({ maxLength: 300 }),
  }),
  { maxLength: 40 },
);
const cuts = fc.array(fc.nat(), { maxLength: 30 });

describe("demultiplex", () => {
  it("gives back each stream's bytes exactly, however the input is cut", async () => {
    await fc.assert(
      fc.asyncProperty(frames, cuts, async (input, splits) => {
        const bytes = Buffer.concat(input.map((f) => encodeFrame(f.stream, f.data)));
        const want = {
          stdin: [] as Uint8Array[],
          stdout: [] as Uint8Array[],
          stderr: [] as Uint8Array[],
          system: [] as Uint8Array[],
        };
        for (const f of input) want[f.stream].push(f.data);
        const got = await collect(chunked(bytes, splits));
        for (const s of ["stdin", "stdout", "stderr", "system"] as const) {
          expect(got[s]).toBe(Buffer.concat(want[s]).toString("hex"));
        }
      }),
    );
  });

  it("keeps the order of output across streams", async () => {
    const bytes = Buffer.concat([
      encodeFrame("stdout", Buffer.from("a")),
      encodeFrame("stdout", Buffer.from("b")),
      encodeFrame("stderr", Buffer.from("c")),
      encodeFrame("stdout", Buffer.from("d")),
    ]);
    const seen: string[] = [];
    for await (const { stream, data } of demultiplex(chunked(bytes, [])))
      seen.push(`${stream}:${Buffer.from(data)}`);
    expect(seen).toEqual(["stdout:ab", "stderr:c", "stdout:d"]);
  });

  it("fails a stream cut mid-frame with ERR_STREAM_FORMAT", async () => {
    await fc.assert(
      fc.asyncProperty(
        frames.filter((f) => f.length > 0),
        fc.nat(),
        cuts,
        async (input, cutAt, splits) => {
          const bytes = Buffer.concat(input.map((f) => encodeFrame(f.stream, f.data)));
          const boundaries = new Set<number>([0]);
          let at = 0;
          for (const f of input) {
            at += 8 + f.data.length;
            boundaries.add(at);
          }
          const end = cutAt % bytes.length;
          fc.pre(!boundaries.has(end));
          const error = await collect(chunked(bytes.subarray(0, end), splits)).catch((e: unknown) => e);
          expect(error).toMatchObject({ code: "ERR_STREAM_FORMAT" });
        },
      ),
    );
  });

  it("throws nothing but ERR_STREAM_FORMAT on garbage", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 500 }), cuts, async (garbage, splits) => {
        try {
          await collect(chunked(garbage, splits));
        } catch (error) {
          expect(isFlotillaError(error) && error.code).toBe("ERR_STREAM_FORMAT");
        }
      }),
    );
  });

  it("names a TTY stream read as multiplexed", async () => {
    const error = await collect(chunked(Buffer.from("hello from a tty\n"), [])).catch((e: unknown) => e);
    expect(String(error)).toContain("rawOutput()");
  });
});
