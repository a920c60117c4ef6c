import { ENGINE_VERSION } from "../core/bootstrap.js";
import { EngineError } from "../core/errors.js";
import { scanJson } from "../core/go-json.js";

// Response helpers shaped as dockerd answers: JSON bodies, its headers, `{"message"}` errors.

/** What /_ping and /version advertise: Docker 20.10's version, whose shapes the fake answers in. */
export const API_VERSION = "1.41";
export const MIN_API_VERSION = "1.12";
/**
 * Paths up to the newest version in spec/ are served (a 20.10 engine refuses above 1.41), so that
 * clients pinned to a newer version still work; negotiating clients settle on API_VERSION.
 */
export const MAX_API_VERSION = "1.56";

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

export function empty(status = 200): Response {
  return new Response(null, { status, headers: engineHeaders() });
}

export function errorResponse(error: EngineError): Response {
  return json(error.status, { message: error.message });
}

/**
 * Reads a JSON body as dockerd's json.Decoder does: the first value only (anything after it is
 * ignored), with Go's messages for the usual mistakes.
 */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") throw new EngineError(400, "got EOF while reading request body");
  const scanned = scanJson(text, "decoder");
  if ("error" in scanned) throw new EngineError(400, scanned.error);
  return JSON.parse(text.slice(0, scanned.end));
}

export function boolParam(value: string | null): boolean {
  return value !== null && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}
