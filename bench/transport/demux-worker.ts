import { performance } from "node:perf_hooks";
import { Readable, Writable } from "node:stream";
import { demultiplex, encodeFrame } from "@flotilla/transport";
import Modem from "docker-modem";

// One contender, one process. The stream is 1 GiB of frames of 64 B to 16 KiB (stdout and
// stderr alternating at random) cut into 64 KiB chunks regardless of frame boundaries, as a
// socket delivers them. Throughput counts payload bytes out. Prints {seconds, gbPerSecond, peakRssMb} as JSON.

const TOTAL = 1024 ** 3;
const CHUNK = 64 * 1024;

function block(): Buffer {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const frames: Uint8Array[] = [];
  let size = 0;
  while (size < 4 * 1024 * 1024) {
    const payload = Buffer.alloc(64 + Math.floor(random() * (16 * 1024 - 64)), 0x61);
    const frame = encodeFrame(random() < 0.8 ? "stdout" : "stderr", payload);
    frames.push(frame);
    size += frame.length;
  }
  return Buffer.concat(frames);
}

async function* source(): AsyncGenerator<Uint8Array> {
  const frames = block();
  // Whole blocks, so the stream ends on a frame boundary; chunks straddle frames everywhere else.
  for (let sent = 0; sent < TOTAL; sent += frames.length) {
    for (let at = 0; at < frames.length; at += CHUNK) {
      // A fresh chunk each time, as from a socket, and no reuse the consumer could rely on.
      yield Buffer.from(frames.subarray(at, Math.min(at + CHUNK, frames.length)));
    }
  }
}

async function flotilla(): Promise<number> {
  let bytes = 0;
  for await (const { data } of demultiplex(source())) bytes += data.length;
  return bytes;
}

async function dockerModem(): Promise<number> {
  let bytes = 0;
  const sink = () =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback();
      },
    });
  const input = Readable.from(source(), { objectMode: false });
  new Modem().demuxStream(input, sink(), sink());
  await new Promise((resolve, reject) => input.once("end", resolve).once("error", reject));
  return bytes;
}

const name = process.argv[2];
// What the process holds before the stream (runtime, loader, the 4 MiB frame block), for comparison.
const idleRss = process.memoryUsage().rss;
const start = performance.now();
const bytes = name === "flotilla" ? await flotilla() : await dockerModem();
const seconds = (performance.now() - start) / 1000;
process.stdout.write(
  JSON.stringify({
    seconds,
    bytes,
    gbPerSecond: bytes / seconds / 1e9,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    idleRssMb: idleRss / 1024 / 1024,
  }),
);
