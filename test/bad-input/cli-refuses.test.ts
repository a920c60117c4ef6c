import { createFakeSwarm, type FakeSwarm } from "@flotilla/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RecordingEndpoint, recordingEndpoint } from "../../packages/cli/test/bin/endpoint.js";
import { requireBuiltBin, runBin } from "../../packages/cli/test/bin/run-bin.js";

// The CLI's column of the table: the built `flotilla` (dist/bin.cjs, as installed) given a bad
// flag or operand exits 2 with one line naming it, and sends NOTHING: the endpoint (the fake swarm
// on a unix socket) records every request that reaches it, and for these it records none. The
// service the commands name exists and runs, so a command that acted before checking would write.

const IMAGE = "flotilla-test/busybox:latest";

const refused: [what: string, names: string, args: string[]][] = [
  [
    "create --deploy --timeout abc",
    "--timeout",
    ["service", "create", "web2", IMAGE, "--deploy", "--timeout", "abc"],
  ],
  ["update --timeout abc", "--timeout", ["service", "update", "web", "--env-add", "A=1", "--timeout", "abc"]],
  ["scale --timeout abc", "--timeout", ["service", "scale", "web", "3", "--timeout", "abc"]],
  ["restart --timeout abc", "--timeout", ["service", "restart", "web", "--timeout", "abc"]],
  ["deploy --timeout abc", "--timeout", ["service", "deploy", "web", "--force-deploy", "--timeout", "abc"]],
  ["stop --timeout abc", "--timeout", ["service", "stop", "web", "--timeout", "abc"]],
  [
    "--limit-cpu finer than a billionth",
    "--limit-cpu",
    ["service", "create", "web3", IMAGE, "--limit-cpu", "0.0000000001"],
  ],
  [
    "--reserve-cpu finer than a billionth",
    "--reserve-cpu",
    ["service", "update", "web", "--reserve-cpu", "1.0000000001"],
  ],
  ["--memory under one byte", "--memory", ["service", "create", "web3", IMAGE, "--memory", "0.5b"]],
  ["--limit-memory under one byte", "--limit-memory", ["service", "update", "web", "--limit-memory", "0.1"]],
  ["an empty service name", "<name>", ["service", "create", "", IMAGE]],
  ["an empty image", "<image>", ["service", "create", "web3", ""]],
  [
    "--replicas beyond a safe integer",
    "--replicas",
    ["service", "create", "web3", IMAGE, "--replicas", "99999999999999999999"],
  ],
  ["scale beyond a safe integer", "<instances>", ["service", "scale", "web", "99999999999999999999"]],
  ["--api-version abc", "--api-version", ["--api-version", "abc", "service", "ls"]],
  ["stats -t --interval 0", "--interval", ["service", "stats", "web", "-t", "--interval", "0"]],
  ["monitor --interval 0", "--interval", ["service", "monitor", "web", "--interval", "0"]],
  ["a refused option on update", "--privileged", ["service", "update", "web", "--privileged"]],
  ["a bad port on update", "--publish-add", ["service", "update", "web", "--publish-add", "http"]],
];

describe("the built flotilla refuses bad flags before sending anything", () => {
  let swarm: FakeSwarm;
  let endpoint: RecordingEndpoint;
  let before: string;

  beforeAll(async () => {
    requireBuiltBin();
    swarm = await createFakeSwarm({
      nodes: 1,
      clock: "real",
      start: Date.now(),
      timings: { step: 2, stop: 2 },
      images: { "flotilla-test/busybox": {} },
    });
    endpoint = await recordingEndpoint((request) => swarm.handle(request));
    const created = await runBin(
      ["service", "create", "web", IMAGE, "--deploy", "-q", "--timeout", "30"],
      endpoint.dockerHost,
    );
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    before = JSON.stringify(swarm.services());
  });
  afterAll(async () => {
    await endpoint?.close();
    await swarm?.close();
  });
  beforeEach(() => {
    endpoint.received.length = 0;
  });

  it.each(refused)("%s: exit 2, names %s, sends nothing", async (_what, names, args) => {
    const result = await runBin(args, endpoint.dockerHost);
    expect(result.stderr).toMatch(/^flotilla: [^\n]*\n$/);
    expect(result.stderr).toContain(names);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(endpoint.received, "requests that reached the endpoint").toEqual([]);
    expect(JSON.stringify(swarm.services())).toBe(before);
  });
});
