import { describe, expect, it } from "vitest";
import { parseBinArgs } from "./options.js";

describe("flotilla-fake-engine's flags", () => {
  it("serves three nodes on a socket, on the wall clock, with fast tasks", () => {
    expect(parseBinArgs(["--socket", "/tmp/f.sock", "--nodes", "3"], 1000)).toEqual({
      swarm: {
        nodes: [{ role: "manager" }, { role: "worker" }, { role: "worker" }],
        clock: "real",
        start: 1000,
        timings: { step: 5, stop: 10 },
        inSwarm: true,
      },
      listen: { socketPath: "/tmp/f.sock" },
    });
  });

  it("listens on TCP, names the first node and starts outside a swarm when asked", () => {
    const options = parseBinArgs(["--port", "0", "--hostname", "vm", "--no-swarm", "--seed", "7"]);
    expect(options).toMatchObject({
      swarm: { nodes: [{ role: "manager", hostname: "vm" }], inSwarm: false, seed: 7 },
      listen: { port: 0, host: "127.0.0.1" },
    });
  });

  it.each([
    [["--nodes", "3"], "give exactly one of --socket PATH or --port N"],
    [["--socket", "a", "--port", "1"], "give exactly one of --socket PATH or --port N"],
    [["--socket", "a", "--nodes", "many"], '--nodes wants a whole number, not "many"'],
  ])("refuses %j", (argv, message) => {
    expect(() => parseBinArgs(argv)).toThrow(message);
  });
});
