import { performance } from "node:perf_hooks";
import { Readable, Writable } from "node:stream";
import { demultiplex, encodeFrame } from "@flotilla/transport";
import Modem from "docker-modem";

// One contender, one process, plain node on the built package: a TypeScript loader alone adds
// ~50 MB of RSS, which would swamp what the stream itself costs. The stream is 1 GiB of frames of
// 64 B to 16 KiB (stdout and stderr at random) cut into 64 KiB chunks regardless of frame
// boundaries, as a socket delivers them. Prints {seconds, gbPerSecond, peakRssMb, idleRssMb}.

const TOTAL = 1024 ** 3;
const CHUNK = 64 * 1024;

function block() {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const frames = [];
  let size = 0;
  while (size < 4 * 1024 * 1024) {
    const payload = Buffer.alloc(64 + Math.floor(random() * (16 * 1024 - 64)), 0x61);
    const frame = encodeFrame(random() < 0.8 ? "stdout" : "stderr", payload);
    frames.push(frame);
    size += frame.length;
  }
  return Buffer.concat(frames);
}

// Chunks are copied, as a socket's reads are, into a ring of buffers reused once the consumer has
// moved on: fresh ones would be 1 GiB of garbage the producer makes, not the decoder.
const RING = Array.from({ length: 8 }, () => Buffer.allocUnsafe(CHUNK));

// Built before the idle reading: it is the fixture, not memory the stream costs.
const frames = block();

async function* source() {
  let turn = 0;
  // Whole blocks, so the stream ends on a frame boundary; chunks straddle frames everywhere else.
  for (let sent = 0; sent < TOTAL; sent += frames.length) {
    for (let at = 0; at < frames.length; at += CHUNK) {
      const end = Math.min(at + CHUNK, frames.length);
      const chunk = RING[turn++ % RING.length];
      frames.copy(chunk, 0, at, end);
      yield chunk.subarray(0, end - at);
    }
  }
}

async function flotilla() {
  let bytes = 0;
  for await (const { data } of demultiplex(source())) bytes += data.length;
  return bytes;
}

async function dockerModem() {
  let bytes = 0;
  const sink = () =>
    new Writable({
      write(chunk, _encoding, callback) {
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
// What the process holds before the stream (runtime, the 4 MiB frame block), for comparison.
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
