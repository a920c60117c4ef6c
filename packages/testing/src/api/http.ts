import type { OperationKey } from "@flotilla/types";
import { ENGINE_VERSION } from "../core/bootstrap.js";
import { EngineError } from "../core/errors.js";
import { parseGoJson } from "../core/go-json.js";
import { requestTooLarge } from "../core/message-size.js";
import { API_VERSION } from "./api-versions.js";
import { decodeBody } from "./decode.js";
import { encodeAnswer } from "./encode.js";
import { httpStatus } from "./errdefs.js";

// Response helpers shaped as dockerd answers: JSON bodies, its headers, `{"message"}` errors.

export function engineHeaders(extra: Record<string, string> = {}): Headers {
  return new Headers({
    "Api-Version": API_VERSION,
    "Docker-Experimental": "false",
    Ostype: "linux",
    Server: `Docker/${ENGINE_VERSION} (linux)`,
    ...extra,
  });
}

export function json(status: number, body: unknown): Response {
  const headers = engineHeaders({ "Content-Type": "application/json" });
  return new Response(`${JSON.stringify(body)}\n`, { status, headers });
}

/** The JSON answer of `operation`, written as dockerd writes its Go type (see encode.ts). */
export function answer(operation: OperationKey, body: unknown, status = 200): Response {
  const headers = engineHeaders({ "Content-Type": "application/json" });
  return new Response(`${encodeAnswer(operation, body)}\n`, { status, headers });
}

export function empty(status = 200): Response {
  return new Response(null, { status, headers: engineHeaders() });
}

export function errorResponse(error: EngineError): Response {
  return json(httpStatus(error), { message: error.message });
}

/**
 * The most of one body the fake holds. dockerd reads a body whole, but swarmkit refuses a spec
 * over gRPC's 4 MiB, and JSON is larger than protobuf, so a body past twice that is no spec the
 * engine would take: the rest is counted and thrown away, never held.
 */
export const BODY_LIMIT = 8 * 1024 * 1024;

/**
 * A body's first `limit` bytes as text, and how many bytes it had in all. What it holds is copied
 * into one buffer as it arrives, so each chunk is free as soon as it is read, and the rest of an
 * oversized body is counted and dropped. The buffer is sized from Content-Length (never past
 * `limit`) and grown only for a body without one or longer than it said.
 */
async function readBounded(
  request: Request,
  limit: number,
): Promise<{ text: string; held: number; total: number }> {
  if (!request.body) return { text: "", held: 0, total: 0 };
  const reader = request.body.getReader();
  const declared = Number(request.headers.get("content-length"));
  let kept = Buffer.allocUnsafeSlow(
    Number.isSafeInteger(declared) && declared > 0 ? Math.min(declared, limit) : 0,
  );
  let held = 0;
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    const take = Math.min(value.byteLength, limit - held);
    if (take <= 0) continue;
    if (held + take > kept.byteLength) {
      const grown = Buffer.allocUnsafeSlow(
        Math.min(limit, Math.max(held + take, 2 * kept.byteLength, 64 * 1024)),
      );
      kept.copy(grown, 0, 0, held);
      kept = grown;
    }
    kept.set(value.subarray(0, take), held);
    held += take;
  }
  return { text: kept.toString("utf8", 0, held), held, total };
}

/**
 * Reads a JSON body as dockerd's json.Decoder does: the first value only (anything after it is
 * ignored), with Go's messages for the usual mistakes. Given the spec/ schema it is decoded into,
 * the value is read as Go reads it into that type (see decode.ts), for a request of API `version`.
 */
export async function readJson(request: Request, schema?: string, version?: string): Promise<unknown> {
  const { text, held, total } = await readBounded(request, BODY_LIMIT);
  if (text.trim() === "") throw new EngineError("InvalidParameter", "got EOF while reading request body");
  const parsed = parseGoJson(text, "decoder");
  if (!("error" in parsed))
    return schema ? decodeBody(schema, parsed.value, parsed.literals, version) : parsed.value;
  if (total <= held || parsed.error !== "unexpected EOF")
    throw new EngineError("InvalidParameter", parsed.error);
  // Cut short by the limit, not by the client. Cut inside a string (one huge value, as an
  // oversized spec has), the body is read as if the string ran on over the bytes not held and
  // then closed: its size is then known without holding it.
  const closed = parsed.completion?.startsWith('"')
    ? parseGoJson(text + parsed.completion, "decoder")
    : undefined;
  if (!schema || !closed || "error" in closed) throw requestTooLarge(total);
  unread.set(request, total - held - parsed.completion!.length);
  return decodeBody(schema, closed.value, closed.literals, version);
}

const unread = new WeakMap<Request, number>();

/** How many bytes of a string in the body readJson did not hold (past BODY_LIMIT), or 0. */
export function unreadBytes(request: Request): number {
  return unread.get(request) ?? 0;
}

export function boolParam(value: string | null): boolean {
  return value !== null && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}
