import type { Cluster } from "../core/cluster.js";
import { programOf } from "../core/container.js";
import { EngineError } from "../core/errors.js";
import type { StoredTask } from "../core/model.js";
import type { RouteContext } from "./context.js";
import { boolParam, engineHeaders } from "./http.js";

// Task output as the engine streams it: each line in an 8-byte header frame (stream 1 stdout,
// 2 stderr, then a big-endian length), or raw bytes when the service has a TTY (one stream, and the
// terminal turns each newline into CRLF). A line appears once its task has been running long enough
// to print it, per the image's behaviour or the task's command, and never after the container ended.

interface Line {
  at: number;
  stream: 1 | 2;
  text: string;
  task: StoredTask;
}

export function linesOf(cluster: Cluster, tasks: StoredTask[], from: number, to: number): Line[] {
  const lines: Line[] = [];
  for (const task of tasks) {
    const runtime = cluster.store.data.runtime.get(task.ID);
    const startedAt = runtime?.startedAt;
    if (startedAt === undefined) continue;
    const end = Math.min(to, runtime?.endedAt ?? to);
    if (end <= from) continue;
    const program = programOf(task, (image) => cluster.images.find(image));
    const printed =
      program.kind === "behaviour"
        ? program.behaviour.logs.map((entry) => ({ at: entry.after, stream: entry.stream, text: entry.line }))
        : cluster.traces.traceOf(cluster.store, task, program.argv, startedAt, end - startedAt).lines;
    for (const entry of printed) {
      const at = startedAt + entry.at;
      if (at > from && at <= end) lines.push({ at, stream: entry.stream, text: entry.text, task });
    }
  }
  return lines.sort((a, b) => a.at - b.at);
}

export function frame(stream: 1 | 2, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  out[0] = stream;
  new DataView(out.buffer).setUint32(4, payload.length);
  out.set(payload, 8);
  return out;
}

/** dockerd checks the streams before it looks the service or task up, and answers 500. */
export function checkStreams(query: URLSearchParams): void {
  if (!boolParam(query.get("stdout")) && !boolParam(query.get("stderr"))) {
    throw new EngineError("Unknown", "Bad parameters: you must choose at least one stream");
  }
  const tail = query.get("tail");
  if (tail !== null && tail !== "" && tail !== "all") {
    if (!/^-?\d+$/.test(tail))
      throw new EngineError("Unknown", 'tail value must be a positive integer or "all"');
    if (Number(tail) < 0) throw new EngineError("Unknown", "negative tail values not supported");
  }
}

/** `tail` counts per task, as each task's log is read on its own node. */
function lastOfEachTask(lines: Line[], count: number): Line[] {
  const left = new Map<string, number>();
  const kept: Line[] = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const n = left.get(line.task.ID) ?? count;
    if (n > 0) kept.push(line);
    left.set(line.task.ID, n - 1);
  }
  return kept.reverse();
}

export function logsResponse(ctx: RouteContext, tasks: StoredTask[], tty: boolean): Response {
  const { query, cluster } = ctx;
  checkStreams(query);
  const stdout = boolParam(query.get("stdout"));
  const stderr = boolParam(query.get("stderr"));
  const timestamps = boolParam(query.get("timestamps"));
  const details = boolParam(query.get("details"));
  const since = Number(query.get("since") ?? 0) * 1000;
  const tail = query.get("tail");
  const encoder = new TextEncoder();
  const encode = (line: Line): Uint8Array | undefined => {
    // A TTY has one stream: what the container wrote to stderr arrives as stdout.
    const stream = tty ? 1 : line.stream;
    if ((stream === 1 && !stdout) || (stream === 2 && !stderr)) return undefined;
    let text = tty ? `${line.text}\r\n` : `${line.text}\n`;
    if (details) {
      const t = line.task;
      text = `com.docker.swarm.node.id=${t.NodeID},com.docker.swarm.service.id=${t.ServiceID},com.docker.swarm.task.id=${t.ID} ${text}`;
    }
    if (timestamps) text = `${new Date(line.at).toISOString()} ${text}`;
    const bytes = encoder.encode(text);
    return tty ? bytes : frame(line.stream, bytes);
  };
  let lines = linesOf(cluster, tasks, since > 0 ? since - 1 : Number.NEGATIVE_INFINITY, cluster.now);
  if (tail !== null && tail !== "all" && /^\d+$/.test(tail)) lines = lastOfEachTask(lines, Number(tail));
  const first = lines.map(encode).filter((b): b is Uint8Array => b !== undefined);
  const contentType = tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
  const headers = engineHeaders({ "Content-Type": contentType });
  if (!boolParam(query.get("follow"))) return new Response(concat(first), { status: 200, headers });

  let shown = cluster.now;
  let stop = () => {};
  let open = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of first) controller.enqueue(chunk);
      stop = ctx.host.onAdvance(() => {
        for (const line of linesOf(cluster, tasks, shown, cluster.now)) {
          const bytes = encode(line);
          if (bytes) controller.enqueue(bytes);
        }
        shown = cluster.now;
      });
      ctx.request.signal.addEventListener(
        "abort",
        () => {
          stop();
          if (open) controller.close();
          open = false;
        },
        { once: true },
      );
    },
    cancel() {
      open = false;
      stop();
    },
  });
  return new Response(body, { status: 200, headers });
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
