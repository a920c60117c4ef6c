import { FakeSwarm } from "@flotilla/testing";
import { type Answer, checkAnswer, StateChecker, type StoreView } from "./checks.js";
import { cases, FIXTURE_NAMES, type FuzzCase } from "./requests.js";

// Sends generated cases to the in-process fake and checks every answer and, after every case,
// the fake's state. A fresh fake every RESET cases keeps one case's damage (a swarm left, a
// fixture deleted) from deciding thousands of others.

const RESET = 250;
/** Virtual time moved on every so often, so that orchestration runs over what the cases made. */
const ADVANCE_EVERY = 25;
/** Most of a streaming answer read before it is cut: a logs or events stream never ends by itself. */
const STREAM_BYTES = 64 * 1024;
/** How often a long run reports, in cases: a hundred lines over the run, at most one per 1,000 cases. */
const progressEvery = (count: number) => Math.max(1000, Math.round(count / 100));

export interface Failure {
  case: FuzzCase;
  status?: number;
  body?: string;
  problems: string[];
}

export interface RunFigures {
  cases: number;
  failures: number;
  /** The first failures, in full; the rest are only counted. */
  examples: Failure[];
  byStatus: Record<number, number>;
  seconds: number;
  /** The slowest cases: what a long run spends its time on. */
  slowest: { ms: number; note: string }[];
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The body as it is now: whole when it ends promptly, otherwise what came before the stream was cut. */
async function readSome(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < STREAM_BYTES) {
      const next = await Promise.race([
        reader.read(),
        tick()
          .then(tick)
          .then(() => "pending" as const),
      ]);
      if (next === "pending" || next.done) break;
      chunks.push(next.value);
      size += next.value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function send(swarm: FakeSwarm, request: FuzzCase): Promise<Answer> {
  const response = await swarm.handle(
    new Request(`http://fake${request.path}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body && { body: request.body }),
    }),
  );
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    text: await readSome(response),
  };
}

export async function fixtures(swarm: FakeSwarm): Promise<void> {
  const create = async (path: string, body: unknown) => {
    const response = await swarm.handle(
      new Request(`http://fake/v1.41${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
    if (response.status >= 300)
      throw new Error(`fixture ${path}: ${response.status} ${await response.text()}`);
  };
  await create("/services/create", {
    Name: FIXTURE_NAMES.service,
    TaskTemplate: { ContainerSpec: { Image: "flotilla-test/busybox:latest" } },
  });
  await create("/secrets/create", { Name: FIXTURE_NAMES.secret, Data: "aGVsbG8=" });
  await create("/configs/create", { Name: FIXTURE_NAMES.config, Data: "aGVsbG8=" });
  await create("/networks/create", { Name: FIXTURE_NAMES.network, Driver: "overlay" });
  swarm.advance("1s");
}

/** Runs `count` cases from `seed` on fresh fakes; resolves with the figures. */
export async function runOnFake(options: {
  seed: number;
  count: number;
  keep?: number;
  /** Told a line every so often (progressEvery): a long run shows it is moving, and its figures so far. */
  progress?: (line: string) => void;
}): Promise<RunFigures> {
  const keep = options.keep ?? 20;
  const figures: RunFigures = { cases: 0, failures: 0, examples: [], byStatus: {}, seconds: 0, slowest: [] };
  const started = performance.now();
  let swarm: FakeSwarm | undefined;
  let state = new StateChecker();
  const fail = (failure: Failure) => {
    figures.failures++;
    if (figures.examples.length < keep) figures.examples.push(failure);
  };
  for (const request of cases(options.seed, options.count)) {
    if (figures.cases % progressEvery(options.count) === 0 && figures.cases > 0 && options.progress) {
      const seconds = (performance.now() - started) / 1000;
      options.progress(
        `${figures.cases} cases, ${Math.round(figures.cases / seconds)}/s, ${figures.failures} failures`,
      );
    }
    if (figures.cases % RESET === 0) {
      await swarm?.[Symbol.asyncDispose]();
      swarm = new FakeSwarm({ seed: options.seed, clock: "virtual" });
      state = new StateChecker();
      await fixtures(swarm);
    }
    figures.cases++;
    const caseStarted = performance.now();
    let answer: Answer;
    try {
      answer = await send(swarm!, request);
    } catch (error) {
      fail({ case: request, problems: [`the handler threw: ${(error as Error)?.stack ?? String(error)}`] });
      continue;
    }
    figures.byStatus[answer.status] = (figures.byStatus[answer.status] ?? 0) + 1;
    const problems = checkAnswer(request, answer);
    try {
      if (figures.cases % ADVANCE_EVERY === 0) swarm!.advance("5s");
      problems.push(...state.check(swarm!.cluster.store.data as unknown as StoreView));
    } catch (error) {
      problems.push(`the fake threw while time moved on: ${(error as Error)?.stack ?? String(error)}`);
    }
    noteSlow(figures.slowest, performance.now() - caseStarted, request.note);
    if (problems.length > 0)
      fail({ case: request, status: answer.status, body: answer.text.slice(0, 300), problems });
  }
  await swarm?.[Symbol.asyncDispose]();
  figures.seconds = (performance.now() - started) / 1000;
  return figures;
}

function noteSlow(slowest: { ms: number; note: string }[], ms: number, note: string): void {
  if (slowest.length >= 5 && ms <= slowest.at(-1)!.ms) return;
  slowest.push({ ms, note });
  slowest.sort((a, b) => b.ms - a.ms);
  slowest.length = Math.min(slowest.length, 5);
}

/** A failure as one paragraph: the request (body shown up to 200 bytes) and what was wrong. */
export function describeFailure(failure: Failure): string {
  const body = failure.case.body ? Buffer.from(failure.case.body.subarray(0, 200)).toString("utf8") : "";
  return [
    `${failure.case.method} ${failure.case.path.slice(0, 200)}  (${failure.case.note})`,
    body &&
      `  body: ${body}${(failure.case.body?.length ?? 0) > 200 ? `... (${failure.case.body!.length} bytes)` : ""}`,
    failure.status !== undefined && `  answer: ${failure.status} ${failure.body}`,
    ...failure.problems.map((p) => `  - ${p}`),
  ]
    .filter(Boolean)
    .join("\n");
}
