import { Readable } from "node:stream";
import type { RequestBody, StreamBody } from "./transport.js";

/** A body ready to send: one buffer, or a stream of chunks. */
export type EncodedBody = Uint8Array | AsyncIterable<Uint8Array> | undefined;

export function isStreamBody(body: unknown): body is StreamBody {
  if (typeof body !== "object" || body === null) return false;
  return (
    body instanceof ReadableStream ||
    typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
  );
}

const NO_BODY: { body: EncodedBody; contentType?: string } = Object.freeze({ body: undefined });

/** Encodes a body and says which content type it implies (the caller's own wins). */
export function encodeBody(body: RequestBody | undefined): { body: EncodedBody; contentType?: string } {
  if (body === undefined) return NO_BODY;
  if (body instanceof Uint8Array) return { body, contentType: "application/octet-stream" };
  if (isStreamBody(body)) {
    const chunks = body instanceof ReadableStream ? Readable.fromWeb(body as never) : body;
    return { body: chunks as AsyncIterable<Uint8Array>, contentType: "application/octet-stream" };
  }
  return { body: Buffer.from(JSON.stringify(body)), contentType: "application/json" };
}
