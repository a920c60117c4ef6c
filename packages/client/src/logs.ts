import { demultiplex, rawOutput, type TransportResponse } from "@flotilla/transport";
import { ValidationError } from "@flotilla/types";

// Service and task logs as lines. The client always asks the engine for `details`, because the
// swarm attributes it adds (com.docker.swarm.task.id, .node.id) are how a line names its task and
// node; they are kept on the line only when the caller asked for details.

export interface LogOptions {
  follow?: boolean;
  /** Only entries at or after this time. */
  since?: Date | number | string;
  /** Stop at entries after this time (the engine has no such filter for services; done here). */
  until?: Date | number | string;
  /** How many lines from the end; all by default. */
  tail?: number | "all";
  timestamps?: boolean;
  details?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  signal?: AbortSignal;
}

export interface LogLine {
  stream: "stdout" | "stderr";
  line: string;
  /** RFC 3339 with nanoseconds, as the engine wrote it; present when `timestamps` was asked for. */
  timestamp?: string;
  taskId?: string;
  nodeId?: string;
  serviceId?: string;
  /** Every attribute the engine attached, when `details` was asked for. */
  details?: Record<string, string>;
}

/** Unix seconds (with a fraction) as the engine's `since` takes them; `option` names it in the error. */
export function toUnixSeconds(value: Date | number | string, option = "since"): number {
  const seconds =
    value instanceof Date
      ? value.getTime() / 1000
      : typeof value === "number"
        ? value
        : typeof value === "string"
          ? fromText(value)
          : Number.NaN;
  if (!Number.isFinite(seconds)) {
    throw new ValidationError("logs", [
      { path: option, message: "must be a Date, Unix seconds, or a date such as 2026-01-02T03:04:05Z" },
    ]);
  }
  return seconds;
}

function fromText(text: string): number {
  const parsed = Date.parse(text);
  if (!Number.isNaN(parsed)) return parsed / 1000;
  return /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
}

export function logQuery(options: LogOptions) {
  return {
    stdout: options.stdout ?? true,
    stderr: options.stderr ?? true,
    follow: options.follow ?? false,
    // Timestamps are needed to honour `until` even when the caller did not ask to see them.
    timestamps: options.timestamps === true || options.until !== undefined,
    details: true,
    ...(options.since !== undefined && { since: toUnixSeconds(options.since, "since") }),
    ...(options.tail !== undefined && { tail: String(options.tail) }),
  };
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\S+) /;
// Pairs are comma-separated and a value holds no "=" (the engine URL-encodes it): so the pattern
// reads a line in one pass. An optional comma here let a line of "a=a=a=..." backtrack for seconds.
const DETAILS = /^([\w.-]+=[^,\s=]*(?:,[\w.-]+=[^,\s=]*)*) /;

/** A value as the engine URL-encoded it; one that is not valid encoding stays as written. */
function decodeValue(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseLine(stream: "stdout" | "stderr", text: string, options: LogOptions): LogLine {
  let rest = text;
  const out: LogLine = { stream, line: "" };
  const wantTimestamps = options.timestamps === true || options.until !== undefined;
  const ts = wantTimestamps ? TIMESTAMP.exec(rest) : null;
  if (ts) {
    out.timestamp = ts[1]!;
    rest = rest.slice(ts[0].length);
  }
  const details = DETAILS.exec(rest);
  if (details) {
    // As entries: a key such as `__proto__` is an attribute like any other.
    const attrs: Record<string, string> = Object.fromEntries(
      details[1]!.split(",").map((pair) => {
        const eq = pair.indexOf("=");
        return [pair.slice(0, eq), decodeValue(pair.slice(eq + 1))];
      }),
    );
    rest = rest.slice(details[0].length);
    if (attrs["com.docker.swarm.task.id"]) out.taskId = attrs["com.docker.swarm.task.id"];
    if (attrs["com.docker.swarm.node.id"]) out.nodeId = attrs["com.docker.swarm.node.id"];
    if (attrs["com.docker.swarm.service.id"]) out.serviceId = attrs["com.docker.swarm.service.id"];
    if (options.details) out.details = attrs;
  }
  out.line = rest;
  return out;
}

/** Lines from a logs response; `tty` says the body is raw rather than multiplexed. */
export async function* logLines(
  response: TransportResponse,
  options: LogOptions & { tty?: boolean },
): AsyncGenerator<LogLine> {
  const chunks = options.tty ? rawOutput(response.stream()) : demultiplex(response.stream());
  const pending = { stdout: "", stderr: "" };
  const until = options.until === undefined ? undefined : toUnixSeconds(options.until, "until") * 1000;
  const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  const emit = (stream: "stdout" | "stderr", text: string): LogLine | "stop" => {
    const line = parseLine(stream, text, options);
    if (until !== undefined && line.timestamp && Date.parse(line.timestamp) > until) return "stop";
    if (!options.timestamps) delete line.timestamp;
    return line;
  };
  try {
    for await (const chunk of chunks) {
      if (chunk.stream !== "stdout" && chunk.stream !== "stderr") continue;
      const stream = chunk.stream;
      const text = pending[stream] + decoder[stream].decode(chunk.data, { stream: true });
      const lines = text.split("\n");
      pending[stream] = lines.pop() ?? "";
      for (const text of lines) {
        const line = emit(stream, text.replace(/\r$/, ""));
        if (line === "stop") return;
        yield line;
      }
    }
    for (const stream of ["stdout", "stderr"] as const) {
      if (pending[stream] === "") continue;
      const line = emit(stream, pending[stream]);
      if (line === "stop") return;
      yield line;
    }
  } finally {
    await response.cancel();
  }
}
