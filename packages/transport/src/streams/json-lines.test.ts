import { isFlotillaError } from "@flotilla/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonLines } from "./json-lines.js";

async function* chunked(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(at, cut);
    at = cut;
  }
  yield bytes.subarray(at);
}

async function collect(source: AsyncIterable<Uint8Array>, maxLineBytes?: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const value of jsonLines(source, { maxLineBytes })) out.push(value);
  return out;
}

describe("jsonLines", () => {
  it("decodes every value, whatever the chunking and however wide the characters", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue(), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        async (values, cuts) => {
          const text = values.map((v) => `${JSON.stringify(v)}\n`).join("");
          const got = await collect(chunked(Buffer.from(text), cuts));
          expect(got).toEqual(JSON.parse(JSON.stringify(values)));
        },
      ),
    );
  });

  it("reads a last line without a newline and skips blank lines", async () => {
    expect(await collect(chunked(Buffer.from('{"a":1}\n\n  \n{"b":"é"}'), [9, 15]))).toEqual([
      { a: 1 },
      { b: "é" },
    ]);
  });

  it("throws nothing but ERR_STREAM_FORMAT on garbage", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (garbage, cuts) => {
          try {
            await collect(chunked(garbage, cuts));
          } catch (error) {
            expect(isFlotillaError(error) && error.code).toBe("ERR_STREAM_FORMAT");
          }
        },
      ),
    );
  });

  it("refuses a line longer than the limit instead of growing without bound", async () => {
    const error = await collect(chunked(Buffer.alloc(4096, 0x61), [100, 1000, 2000]), 1024).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "ERR_STREAM_FORMAT" });
  });
});
