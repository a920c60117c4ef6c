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
        // What `docker swarm init` sends with no flags.
        init: {
          ListenAddr: "0.0.0.0:2377",
          AdvertiseAddr: "",
          DataPathAddr: "",
          DataPathPort: 0,
          DefaultAddrPool: [],
          SubnetSize: 24,
        },
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

  it("makes the swarm with docker swarm init's flags", () => {
    const options = parseBinArgs([
      "--socket",
      "/tmp/f.sock",
      "--advertise-addr",
      "127.0.0.1:4000",
      "--default-addr-pool",
      "10.20.0.0/16",
      "--default-addr-pool",
      "10.30.0.0/16",
      "--default-addr-pool-mask-length",
      "26",
      "--data-path-port",
      "5000",
    ]);
    expect(options).toMatchObject({
      swarm: {
        init: {
          AdvertiseAddr: "127.0.0.1:4000",
          DefaultAddrPool: ["10.20.0.0/16", "10.30.0.0/16"],
          SubnetSize: 26,
          DataPathPort: 5000,
        },
      },
    });
  });

  it.each([
    [["--nodes", "3"], "give exactly one of --socket PATH or --port N"],
    [
      ["--socket", "a", "--advertise-addr", "nowhere"],
      "--advertise-addr: advertise address must be a non-zero IP address or network interface (with optional port number)",
    ],
    [
      ["--socket", "a", "--default-addr-pool", "10.0.0.0/33"],
      "--default-addr-pool: invalid base pool 10.0.0.0/33",
    ],
    [
      ["--socket", "a", "--default-addr-pool", "10.20.0.0/16", "--default-addr-pool-mask-length", "8"],
      "--default-addr-pool-mask-length: invalid CIDR",
    ],
    [
      ["--socket", "a", "--default-addr-pool-mask-length", "31"],
      "--default-addr-pool-mask-length: subnet size is out of range: 31",
    ],
    [
      ["--socket", "a", "--data-path-port", "80"],
      "--data-path-port: Datapath port number is not in valid range (1024-49151) : 80",
    ],
    [["--socket", "a", "--data-path-port", "x"], '--data-path-port wants a whole number, not "x"'],
    [
      ["--socket", "a", "--no-swarm", "--advertise-addr", "127.0.0.1"],
      "--advertise-addr makes the swarm; drop --no-swarm",
    ],
    [["--socket", "a", "--port", "1"], "give exactly one of --socket PATH or --port N"],
    [["--socket", "a", "--nodes", "many"], '--nodes wants a whole number, not "many"'],
  ])("refuses %j", (argv, message) => {
    expect(() => parseBinArgs(argv)).toThrow(message);
  });
});
