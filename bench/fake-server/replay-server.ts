import { rmSync } from "node:fs";
import { createServer, type IncomingMessage, request, type Server } from "node:http";

// The fastest possible engine for the docker CLI scenario: it answers each request with the bytes
// a real server sent for the same request during a recorded run, doing no work of its own. What a
// session costs against it is what the docker CLI costs by itself (its start, its polls, its
// sleeps), i.e. the floor no fake can go under; the ratio engine ÷ replay is the ceiling for any.

interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Answers recorded per request (method, path and body), in the order the server gave them. */
export type Recording = Map<string, Answer[]>;

const keyOf = (req: IncomingMessage, body: Buffer) => `${req.method} ${req.url} ${body.toString("base64")}`;

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// The body is sent whole with its length, so these describe a framing that no longer applies.
const FRAMING = new Set(["content-length", "transfer-encoding", "connection", "keep-alive"]);

function headersOf(res: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined && !FRAMING.has(name)) headers[name] = value;
  }
  return headers;
}

async function listenOn(server: Server, socketPath: string): Promise<() => Promise<void>> {
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(socketPath, { force: true });
  };
}

/** Time the upstream took to answer, from the request sent to the body's end. */
export interface ServingTime {
  ms: number;
  requests: number;
}

/**
 * Forwards every request to `upstream` and records the answer. A followed stream is recorded up
 * to where its client hung up, which is all the client waited for; it does not count in `serving`
 * (its time is waiting for output, not answering).
 */
export async function recordingProxy(
  upstream: string,
  socketPath: string,
  recording: Recording,
  serving: ServingTime = { ms: 0, requests: 0 },
) {
  const server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    const key = keyOf(req, body);
    const sent = performance.now();
    const forward = request(
      { socketPath: upstream, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        const keep = () => {
          const list = recording.get(key) ?? [];
          list.push({
            status: answer.statusCode ?? 500,
            headers: headersOf(answer),
            body: Buffer.concat(chunks),
          });
          recording.set(key, list);
        };
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          res.write(chunk);
        });
        answer.on("end", () => {
          serving.ms += performance.now() - sent;
          serving.requests++;
          keep();
          res.end();
        });
        res.on("close", () => {
          if (!answer.complete) {
            keep();
            answer.destroy();
          }
        });
      },
    );
    forward.end(body);
  });
  return listenOn(server, socketPath);
}

/** Answers from `recording`: each request gets the next answer recorded for it, then the last. */
export async function replayServer(socketPath: string, recording: Recording) {
  const next = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const key = keyOf(req, await bodyOf(req));
    const answers = recording.get(key);
    if (!answers) {
      res.writeHead(599).end(`not recorded: ${req.method} ${req.url}`);
      return;
    }
    const index = next.get(key) ?? 0;
    next.set(key, index + 1);
    const answer = answers[Math.min(index, answers.length - 1)]!;
    res.writeHead(answer.status, { ...answer.headers, "content-length": answer.body.length });
    res.end(answer.body);
  });
  return listenOn(server, socketPath);
}
