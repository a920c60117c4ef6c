import type { Answer } from "./checks.js";
import type { FuzzCase } from "./requests.js";

// Where the fake's status is known to differ from the engine's (Docker 20.10, API 1.41) on
// generated requests, each with why. The differential test prints how often each was let
// through; anything not listed fails it. Remove an entry when the fake is fixed: the test then
// holds the fake to the engine there.

export interface KnownMismatch {
  why: string;
  matches(fuzz: FuzzCase, fake: Answer, engine: Answer): boolean;
}

const message = (answer: Answer): string => {
  try {
    return String((JSON.parse(answer.text) as { message?: unknown }).message ?? "");
  } catch {
    return answer.text;
  }
};
const pathOf = (fuzz: FuzzCase) => fuzz.path.split("?")[0]!;
const versionOf = (fuzz: FuzzCase) => /^\/v([\d.]+)\//.exec(pathOf(fuzz))?.[1];
const newerThan141 = (version: string | undefined) => {
  if (!version) return false;
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > 1 || (major === 1 && minor > 41);
};

export const KNOWN_MISMATCHES: readonly KnownMismatch[] = [
  {
    why: "the fake serves API versions up to 1.56, as newer engines do; the 20.10 engine refuses any past 1.41",
    matches: (fuzz, _fake, engine) =>
      newerThan141(versionOf(fuzz)) &&
      (/is too new/.test(message(engine)) || (fuzz.method === "HEAD" && engine.status === 400)),
  },
  {
    why: "the fake checks the API version before routing; dockerd routes first, so an unknown path is 404 (or 301) whatever its version",
    matches: (_fuzz, fake, engine) =>
      /is too (new|old)/.test(message(fake)) && (engine.status === 404 || engine.status === 301),
  },
  {
    why: "Go's ServeMux answers a path with empty, . or .. segments with a 301 to its cleaned form; the fake routes it as written",
    matches: (_fuzz, _fake, engine) => engine.status === 301,
  },
  {
    why: "the engine refuses a body without Content-Type application/json on some writes (networks); the fake reads it",
    matches: (_fuzz, _fake, engine) =>
      /^Content-Type specified \(.*\) must be 'application\/json'/.test(message(engine)),
  },
  {
    why: "Go's decoder reads every copy of a duplicate key and fails on a wrongly typed one; the fake's JSON.parse keeps only the last (codec)",
    matches: (fuzz, _fake, engine) =>
      fuzz.note.endsWith("duplicate key") && /^json: cannot unmarshal/.test(message(engine)),
  },
  {
    why: "the fake does not check an image reference's format (GET /images/{name}/json, /distribution/{name}/json)",
    matches: (_fuzz, _fake, engine) => /invalid reference format/.test(message(engine)),
  },
  {
    why: "container logs without stdout or stderr: the engine refuses the query before looking the container up",
    matches: (_fuzz, _fake, engine) => /you must choose at least one stream/.test(message(engine)),
  },
  {
    why: "filters that do not parse, or are JSON but not a map: the engine answers 500 (after also trying the legacy format), the fake 400",
    matches: (_fuzz, fake, engine) =>
      engine.status === 500 &&
      fake.status === 400 &&
      /^(json: cannot unmarshal|unexpected end of JSON input|invalid character)/.test(message(engine)),
  },
  {
    why: "filters that are JSON but not a map: the engine answers 500 on GET /events, /tasks and POST /networks/prune; the fake ignores them",
    matches: (fuzz, fake, engine) =>
      engine.status === 500 &&
      fake.status === 200 &&
      /^json: cannot unmarshal .* into Go value of type map\[string\]/.test(message(engine)) &&
      /[?&]filters=/.test(fuzz.path),
  },
  {
    why: "dockerd answers OPTIONS on any path with 200 (its CORS preflight route); the fake has no OPTIONS route",
    matches: (fuzz, _fake, engine) => fuzz.method === "OPTIONS" && engine.status === 200,
  },
  {
    why: "the fake does not read ?status= on GET /services as a boolean (the engine refuses one that is not)",
    matches: (_fuzz, _fake, engine) =>
      /^invalid value for status: .*strconv\.ParseBool/.test(message(engine)),
  },
  {
    why: "the fake accepts any filter key on POST /networks/prune; the engine refuses those it does not know",
    matches: (_fuzz, _fake, engine) => /^Invalid filter '/.test(message(engine)),
  },
  {
    why: "the fake does not check a body's field types against Go's (NetworkDisconnectRequest, NetworkConnectRequest): codec",
    matches: (_fuzz, fake, engine) =>
      engine.status === 400 &&
      fake.status !== 400 &&
      /^json: cannot unmarshal .* into Go struct field/.test(message(engine)),
  },
  {
    why: "the fake does not check secret and config drivers (an unknown plugin, a driver without a name) or IPAM subnets",
    matches: (_fuzz, fake, engine) =>
      fake.status === 201 &&
      /plugin ".*" not found|driver must have a name|Invalid subnet|invalid CIDR address/.test(
        message(engine),
      ),
  },
  {
    why: "the fake reads the body of a path with a trailing slash (and refuses it as too deep) where dockerd has no route (404)",
    matches: (fuzz, fake, engine) =>
      engine.status === 404 && fake.status === 400 && pathOf(fuzz).endsWith("/"),
  },
  {
    why: "an empty network ID matches every network by prefix on the engine (400 ambiguous); the fake has no route for it",
    matches: (_fuzz, _fake, engine) => /^network\s+is ambiguous/.test(message(engine)),
  },
];
