import type { FuzzCase } from "./requests.js";

// What every answer must be, whoever gives it (the fake or an engine), and what the fake's state
// must be after every case. Each check returns what is wrong, in words; nothing means fine.

/** The statuses dockerd answers with: its HTTP server (301 cleaned paths), router, middlewares and error kinds. */
export const ENGINE_STATUSES = new Set([
  200, 201, 204, 304, 400, 401, 403, 404, 405, 406, 409, 500, 501, 503,
]);

/** Text that only JavaScript writes: an exception's message or a value's rendering. */
const JAVASCRIPT_TEXT: readonly RegExp[] = [
  /Maximum call stack/,
  /Cannot read propert/,
  /Cannot convert/,
  /is not a function/,
  /is not defined/,
  /is not iterable/,
  /Invalid string length/,
  /Invalid array length/,
  /Unexpected token/,
  /in JSON at position/,
  /\bundefined\b/,
  /\bNaN\b/,
  /\[object \w+\]/,
  /\n\s+at \S+ \(/,
  /\bat (?:async )?\S+ \((?:file|node):/,
];

/** What of the answer a JavaScript engine wrote, leaving out what the request itself said. */
function javascriptText(text: string, sent: string): string | undefined {
  for (const pattern of JAVASCRIPT_TEXT) {
    const match = pattern.exec(text);
    if (match && !sent.includes(match[0])) return match[0];
  }
  return undefined;
}

const decoder = new TextDecoder();

function isBadRequestLine(request: FuzzCase, answer: Answer): boolean {
  const pathOnly = request.path.split("?")[0]!;
  return (
    /%(?![0-9a-fA-F]{2})/.test(pathOnly) &&
    answer.status === 400 &&
    answer.text === "400 Bad Request" &&
    answer.contentType.startsWith("text/plain")
  );
}

export interface Answer {
  status: number;
  contentType: string;
  /** The body read, or as much of a stream as had come. */
  text: string;
}

/** What is wrong with `answer` to `request`. */
export function checkAnswer(request: FuzzCase, answer: Answer): string[] {
  // Go's net/http answers a request line it cannot parse (`%zz` in the path) itself, before
  // dockerd's router: plain text, as the engine does.
  if (isBadRequestLine(request, answer)) return [];
  const problems: string[] = [];
  const sent = request.path + (request.body ? decoder.decode(request.body) : "");
  if (!ENGINE_STATUSES.has(answer.status))
    problems.push(`status ${answer.status} is not one the engine answers`);
  const js = javascriptText(answer.text, sent);
  if (js) problems.push(`JavaScript text ${JSON.stringify(js)} in the body`);
  if (answer.status >= 400) {
    let message: unknown;
    try {
      message = (JSON.parse(answer.text) as { message?: unknown }).message;
    } catch {
      // Checked below.
    }
    if (typeof message !== "string") problems.push(`error body is not {"message": string}`);
    else if (message.trim() === "") problems.push("error message is empty");
    if (!answer.contentType.includes("application/json"))
      problems.push(`error content-type ${answer.contentType}`);
  }
  return problems;
}

// --- The fake's state -----------------------------------------------------------------------

interface Versioned {
  ID?: string;
  Version?: { Index?: number };
}

/** The parts of the fake's store the invariants read (packages/testing's StoreData). */
export interface StoreView {
  version: number;
  services: ReadonlyMap<string, Versioned>;
  tasks: ReadonlyMap<
    string,
    Versioned & { ServiceID?: string; DesiredState?: string; Status?: { State?: string } }
  >;
  nodes: ReadonlyMap<string, Versioned>;
  secrets: ReadonlyMap<string, Versioned>;
  configs: ReadonlyMap<string, Versioned>;
  networks: ReadonlyMap<string, Versioned>;
}

/** Remembers each object's last version between cases, to see that versions only grow. */
export class StateChecker {
  readonly #versions = new Map<string, number>();
  #storeVersion = 0;

  check(store: StoreView): string[] {
    const problems: string[] = [];
    if (!(store.version >= this.#storeVersion))
      problems.push(`store version went from ${this.#storeVersion} to ${store.version}`);
    this.#storeVersion = store.version;
    for (const [kind, objects] of [
      ["service", store.services],
      ["task", store.tasks],
      ["node", store.nodes],
      ["secret", store.secrets],
      ["config", store.configs],
      ["network", store.networks],
    ] as const) {
      for (const [id, object] of objects) {
        const index = object.Version?.Index;
        if (index !== undefined) {
          const before = this.#versions.get(id);
          if (!Number.isSafeInteger(index) || index < 0) problems.push(`${kind} ${id} has version ${index}`);
          else if (before !== undefined && index < before)
            problems.push(`${kind} ${id}'s version went from ${before} to ${index}`);
          else if (index > store.version)
            problems.push(`${kind} ${id}'s version ${index} is past the store's ${store.version}`);
          this.#versions.set(id, index);
        }
        const bad = badNumber(object);
        if (bad) problems.push(`${kind} ${id} holds ${bad}`);
      }
    }
    for (const [id, task] of store.tasks) {
      // swarmkit keeps a removed service's tasks only until they stop, marked for removal.
      if (
        task.ServiceID !== undefined &&
        !store.services.has(task.ServiceID) &&
        task.DesiredState !== "remove"
      )
        problems.push(`task ${id} belongs to service ${task.ServiceID}, which does not exist`);
    }
    return problems;
  }
}

/** The first number in `value` that JSON cannot carry (NaN, ±Infinity), found without recursion. */
export function badNumber(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, ""]];
  let seen = 0;
  while (stack.length > 0 && seen++ < 100_000) {
    const [item, path] = stack.pop()!;
    if (typeof item === "number" && !Number.isFinite(item)) return `${item} at ${path || "(root)"}`;
    if (item instanceof Map) for (const [k, v] of item) stack.push([v, `${path}.${String(k)}`]);
    else if (typeof item === "object" && item !== null && !(item instanceof Uint8Array))
      for (const [k, v] of Object.entries(item)) stack.push([v, `${path}.${k}`]);
  }
  return undefined;
}
