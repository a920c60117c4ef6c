import { rawRequest } from "./raw-engine.js";

// One side of a raw-body differential: bodies sent as curl would send them, names made unique
// per side with "{u}", answers parsed and masked so that the engine's and the fake's compare.

const MASKED = new Set(["ID", "Id", "CreatedAt", "UpdatedAt", "Created", "Version", "PreviousSpec"]);
const VXLAN = "com.docker.network.driver.overlay.vxlanid_list";

export function mask(value: unknown, key = ""): unknown {
  if (MASKED.has(key) || key === VXLAN) return "<masked>";
  if (Array.isArray(value)) return value.map((v) => mask(v));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
  return value;
}

export type Answer = { status: number; body: unknown };

/** One target: sends a body as given, answers status and parsed body; names are made unique. */
export function target(socketPath: string, unique: string) {
  return async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const text = body === undefined ? undefined : JSON.stringify(body).split("{u}").join(unique);
    const answer = await rawRequest(
      socketPath,
      method,
      `/v1.41${path.split("{u}").join(unique)}`,
      text === undefined ? undefined : JSON.parse(text),
    );
    const raw = answer.text();
    let parsed: unknown = raw;
    try {
      parsed = raw ? JSON.parse(raw) : undefined;
    } catch {}
    // A message naming this target's objects reads the same on both once its suffix is put back.
    return {
      status: answer.status,
      body: JSON.parse(
        JSON.stringify(parsed ?? null)
          .split(unique)
          .join("{u}"),
      ),
    };
  };
}

export type Send = ReturnType<typeof target>;
