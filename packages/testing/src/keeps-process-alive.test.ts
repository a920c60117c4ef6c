import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// A stream waiting on a real-clock fake's time must keep a bare Node process alive, as an open
// socket to an engine would. Vitest keeps its workers alive whatever happens, so this runs the
// built package in a process of its own: if nothing holds the event loop, Node exits at once
// with the request unfinished (exit code 13, "unsettled top-level await") instead of "done".

const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));

const script = `
const { createFakeSwarm } = await import(${JSON.stringify(dist)});
const swarm = await createFakeSwarm({ clock: "real", start: Date.now() });
const until = (Date.now() + 400) / 1000;
const response = await swarm.handle(new Request("http://fake/v1.41/events?since=0&until=" + until));
await response.text();
await swarm.close();
console.log("done");
`;

describe("a real-clock fake in a process of its own", () => {
  it("stays alive while an events stream waits for its `until`", async () => {
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ["--input-type=module", "-e", script], (error, stdout) =>
        resolve({ code: error ? (error.code as number) : 0, stdout }),
      );
      child.stdin?.end();
    });
    expect(result).toEqual({ code: 0, stdout: "done\n" });
  });
});
