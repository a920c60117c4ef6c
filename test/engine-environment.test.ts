import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";

// Proves the environment scripts/engine-up.sh builds, with nothing of Flotilla in between:
// if these fail, every other engine test would fail for a reason that is not ours.

const engine = inject("engine");

interface Answer {
  status: number;
  headers: IncomingMessage["headers"];
  body: string;
}

function collect(res: IncomingMessage, resolve: (answer: Answer) => void): void {
  let body = "";
  res.setEncoding("utf8");
  res.on("data", (chunk: string) => {
    body += chunk;
  });
  res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
}

function overSocket(socketPath: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    httpRequest({ socketPath, path }, (res) => collect(res, resolve))
      .on("error", reject)
      .end();
  });
}

function overTls(tls: NonNullable<NonNullable<typeof engine>["tls"]>, path: string): Promise<Answer> {
  const read = (name: string) => readFileSync(join(tls.certPath, name));
  return new Promise((resolve, reject) => {
    httpsRequest(
      {
        host: tls.host,
        port: tls.port,
        path,
        ca: read("ca.pem"),
        cert: read("cert.pem"),
        key: read("key.pem"),
      },
      (res) => collect(res, resolve),
    )
      .on("error", reject)
      .end();
  });
}

describe.skipIf(!engine)("the test engine from scripts/engine-up.sh", () => {
  it("answers GET /_ping on its unix socket with an API version", async () => {
    const answer = await overSocket(engine!.socketPath, "/_ping");
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("OK");
    expect(answer.headers["api-version"]).toMatch(/^1\.\d+$/);
  });

  it("answers GET /_ping over mutual TLS on 127.0.0.1", async () => {
    const answer = await overTls(engine!.tls!, "/_ping");
    expect(answer.status).toBe(200);
    expect(answer.headers["api-version"]).toBe(engine!.apiVersion);
  });

  it("is the manager of a swarm", async () => {
    const answer = await overSocket(engine!.socketPath, `/v${engine!.apiVersion}/swarm`);
    expect(answer.status).toBe(200);
    const swarm = JSON.parse(answer.body) as { ID: string; JoinTokens: { Manager: string } };
    expect(swarm.ID).toMatch(/^[a-z0-9]{25}$/);
    expect(swarm.JoinTokens.Manager).toMatch(/^SWMTKN-1-/);
  });

  it("has the two test images, and they differ", async () => {
    const ids = await Promise.all(
      [engine!.images.current, engine!.images.next].map(async (image) => {
        const answer = await overSocket(engine!.socketPath, `/images/${encodeURIComponent(image)}/json`);
        expect(answer.status, image).toBe(200);
        return (JSON.parse(answer.body) as { Id: string }).Id;
      }),
    );
    expect(ids[0]).not.toBe(ids[1]);
  });
});
