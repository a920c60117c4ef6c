import { describe, expect, it } from "vitest";
import { parsePort, parseVolume, SyntaxProblem } from "./short-syntax.js";

describe("parsePort", () => {
  const port = (target: number, published: number, protocol = "tcp") => ({
    mode: "ingress",
    target,
    published,
    protocol,
  });
  it.each([
    ["80", [port(80, 0)]],
    ["8080:80", [port(80, 8080)]],
    ["8080:80/udp", [port(80, 8080, "udp")]],
    ["127.0.0.1:8080:80", [port(80, 8080)]],
    ["[::1]:8080:80", [port(80, 8080)]],
    ["127.0.0.1::80", [port(80, 0)]],
    ["3000-3001", [port(3000, 0), port(3001, 0)]],
    ["9090-9091:8080-8081", [port(8080, 9090), port(8081, 9091)]],
    ["8000-8001:80", [port(80, 8000), port(80, 8001)]],
  ])("%s", (spec, expected) => {
    expect(parsePort(spec)).toEqual(expected);
  });

  it.each(["80/icmp", "a:80", "8000-8002:80-81", "1:2:3:4", "70000"])("refuses %s", (spec) => {
    expect(() => parsePort(spec)).toThrow(SyntaxProblem);
  });
});

describe("parseVolume", () => {
  it.each([
    ["/data", { type: "volume", target: "/data" }],
    ["db:/data", { type: "volume", source: "db", target: "/data" }],
    ["db:/data:ro", { type: "volume", source: "db", target: "/data", read_only: true }],
    ["db:/data:nocopy", { type: "volume", source: "db", target: "/data", volume: { nocopy: true } }],
    ["./here:/data", { type: "bind", source: "./here", target: "/data" }],
    ["~/here:/data:rw", { type: "bind", source: "~/here", target: "/data", read_only: false }],
    [
      "/abs:/data:ro,rslave",
      { type: "bind", source: "/abs", target: "/data", read_only: true, bind: { propagation: "rslave" } },
    ],
    ["C:\\data:/data", { type: "bind", source: "C:\\data", target: "/data" }],
    ["/abs:/data:z", { type: "bind", source: "/abs", target: "/data" }],
  ])("%s", (spec, expected) => {
    expect(parseVolume(spec)).toEqual(expected);
  });

  it.each(["", "ab::c", "ab:/c:ro:x"])("refuses %j", (spec) => {
    expect(() => parseVolume(spec)).toThrow(SyntaxProblem);
  });
});
