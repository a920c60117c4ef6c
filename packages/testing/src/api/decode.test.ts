import { describe, expect, it } from "vitest";
import { EngineError } from "../core/errors.js";
import { parseGoJson } from "../core/go-json.js";
import { decodeBody } from "./decode.js";
import { httpStatus } from "./errdefs.js";

// Bodies read into dockerd's Go types by spec/'s annotations. The messages of the bad-input
// table were recorded from Docker 20.10; these cover every number kind spec/ names.

function decode(schema: string, text: string): unknown {
  const parsed = parseGoJson(text, "decoder");
  if (!("value" in parsed)) throw new Error(parsed.error);
  try {
    return decodeBody(schema, parsed.value, parsed.literals);
  } catch (error) {
    if (error instanceof EngineError) return { status: httpStatus(error), message: error.message };
    throw error;
  }
}

const misfit = (what: string, field: string, type: string) => ({
  status: 400,
  message: `json: cannot unmarshal ${what} into Go struct field ${field} of type ${type}`,
});

describe("decodeBody", () => {
  it.each([
    ["18446744073709551615", undefined],
    ["18446744073709551616", "number 18446744073709551616"],
    ["-1", "number -1"],
    ["-0", "number -0"],
    ["1e3", "number 1e3"],
    ["1.0", "number 1.0"],
  ])("reads Replicas %s as uint64 does", (literal, what) => {
    const got = decode("ServiceSpec", `{"Mode": {"Replicated": {"Replicas": ${literal}}}}`);
    if (what) expect(got).toEqual(misfit(what, "ReplicatedService.Mode.Replicated.Replicas", "uint64"));
    else expect(got).toEqual({ Mode: { Replicated: { Replicas: Number(literal) } } });
  });

  it.each([
    [
      "RestartPolicy",
      '{"TaskTemplate": {"Resources": {"Limits": {"MemoryBytes": -9223372036854775808}}}}',
      undefined,
    ],
    [
      "int64",
      '{"TaskTemplate": {"Resources": {"Limits": {"MemoryBytes": 9223372036854775808}}}}',
      misfit("number 9223372036854775808", "Limit.TaskTemplate.Resources.Limits.MemoryBytes", "int64"),
    ],
    [
      "int",
      '{"TaskTemplate": {"ContainerSpec": {"Healthcheck": {"Retries": 1e2}}}}',
      misfit("number 1e2", "HealthConfig.TaskTemplate.ContainerSpec.Healthcheck.Retries", "int"),
    ],
    [
      "uint32",
      '{"EndpointSpec": {"Ports": [{"TargetPort": 4294967295}, {"TargetPort": 4294967296}]}}',
      misfit("number 4294967296", "PortConfig.EndpointSpec.Ports.TargetPort", "uint32"),
    ],
    [
      "float32",
      '{"UpdateConfig": {"MaxFailureRatio": 3.5e38}}',
      misfit("number 3.5e38", "UpdateConfig.UpdateConfig.MaxFailureRatio", "float32"),
    ],
    [
      "time.Duration",
      '{"RollbackConfig": {"Delay": "1s"}}',
      misfit("string", "UpdateConfig.RollbackConfig.Delay", "time.Duration"),
    ],
  ])("reads numbers into %s as Go does", (_kind, text, want) => {
    const got = decode("ServiceSpec", text);
    if (want) expect(got).toEqual(want);
    else expect(got).not.toHaveProperty("status");
  });

  it("reads a float64 past its range as Go does", () => {
    expect(decode("SwarmSpec", '{"Raft": {"ElectionTick": 1e400}}')).toEqual(
      misfit("number 1e400", "RaftConfig.Raft.ElectionTick", "int"),
    );
  });

  it("reports the first misfit in the body's order", () => {
    expect(decode("ServiceSpec", '{"UpdateConfig": {"Parallelism": -1}, "Name": 5}')).toEqual(
      misfit("number -1", "UpdateConfig.UpdateConfig.Parallelism", "uint64"),
    );
    expect(decode("ServiceSpec", '{"Name": 5, "UpdateConfig": {"Parallelism": -1}}')).toEqual(
      misfit("number", "ServiceSpec.Name", "string"),
    );
  });

  it("names the top-level Go type for a body of the wrong kind", () => {
    expect(decode("NodeSpec", "[]")).toEqual({
      status: 400,
      message: "json: cannot unmarshal array into Go value of type swarm.NodeSpec",
    });
  });

  it("leaves null fields unset, gives null elements their zero value, and reads null as an empty spec", () => {
    expect(decode("ServiceSpec", "null")).toEqual({});
    expect(decode("ServiceSpec", '{"Name": null, "Mode": {"Replicated": {"Replicas": null}}}')).toEqual({
      Mode: { Replicated: {} },
    });
    expect(decode("ServiceSpec", '{"TaskTemplate": {"ContainerSpec": {"Env": [null, "A=1"]}}}')).toEqual({
      TaskTemplate: { ContainerSpec: { Env: ["", "A=1"] } },
    });
  });

  it("drops fields the Go struct lacks, at every depth, and matches names regardless of case", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    expect(
      decode(
        "ServiceSpec",
        `{"name": "web", "version": 3, "Mode": {"Global": {"x": ${deep}}}, "X": ${deep}}`,
      ),
    ).toEqual({ Name: "web", Mode: { Global: {} } });
  });

  it("keeps a map's __proto__ key as data", () => {
    const got = decode("ServiceSpec", '{"Labels": {"__proto__": "x"}}') as { Labels: object };
    expect(Object.keys(got.Labels)).toEqual(["__proto__"]);
  });
  // Docker 20.10: `"Data": [104,105]` creates a config holding "hi"; 5 and ["a"] are refused.
  it.each([
    ['{"Name": "c", "Data": [104, 105]}', { Name: "c", Data: Buffer.from("hi").toString("base64") }],
    ['{"Name": "c", "Data": 5}', misfit("number", "ConfigSpec.Data", "[]uint8")],
    ['{"Name": "c", "Data": ["a"]}', misfit("string", "ConfigSpec.Data", "uint8")],
    ['{"Name": "c", "Data": [256]}', misfit("number 256", "ConfigSpec.Data", "uint8")],
  ])("reads a []byte field %s as Go does", (text, want) => {
    expect(decode("ConfigSpec", text)).toEqual(want);
  });
});

// Docker 20.10's adjustForAPIVersion and init handler, measured with /v1.29 and /v1.40 paths
// (test/wire/errors-and-api-versions.differential.test.ts compares the fake with the engine).
/** A body parsed as dockerd's decoder parses it (the text is well-formed). */
function parsed(text: string) {
  const result = parseGoJson(text, "decoder");
  if (!("value" in result)) throw new Error(result.error);
  return result;
}

describe("decodeBody for an older API version", () => {
  const service = JSON.stringify({
    TaskTemplate: {
      ContainerSpec: { Image: "x", Init: true, Sysctls: { a: "1" }, CapabilityAdd: ["CAP_A"] },
      Placement: { MaxReplicas: 2 },
      Resources: { Limits: { Pids: 5 } },
    },
    Mode: { ReplicatedJob: { MaxConcurrent: 1 } },
  });
  const at = (version: string | undefined) => {
    const read = parsed(service);
    return decodeBody("ServiceSpec", read.value, read.literals, version);
  };

  it("clears the fields dockerd clears, and keeps the newer ones it does not adjust", () => {
    expect(at("1.29")).toEqual({
      TaskTemplate: { ContainerSpec: { Image: "x", Init: true }, Placement: {}, Resources: { Limits: {} } },
      Mode: {},
    });
    expect(at("1.40")).toEqual({
      TaskTemplate: {
        ContainerSpec: { Image: "x", Init: true, Sysctls: { a: "1" } },
        Placement: { MaxReplicas: 2 },
        Resources: { Limits: {} },
      },
      Mode: {},
    });
  });

  it("keeps everything at the engine's version, or with no version given", () => {
    expect(at("1.41")).toEqual(JSON.parse(service));
    expect(at(undefined)).toEqual(JSON.parse(service));
  });

  it("still refuses a cleared field of the wrong type, as Go decodes the whole body first", () => {
    const read = parsed('{"DefaultAddrPool": "10.0.0.0/8"}');
    expect(() => decodeBody("SwarmInitRequest", read.value, read.literals, "1.38")).toThrow(
      "json: cannot unmarshal string into Go struct field InitRequest.DefaultAddrPool of type []string",
    );
  });

  it("clears an init request's pool, subnet size and data path port as the init handler does", () => {
    const body = {
      ListenAddr: "0.0.0.0:2377",
      DataPathPort: 5000,
      DefaultAddrPool: ["10.9.0.0/16"],
      SubnetSize: 26,
    };
    const read = parsed(JSON.stringify(body));
    expect(decodeBody("SwarmInitRequest", read.value, read.literals, "1.38")).toEqual({
      ListenAddr: "0.0.0.0:2377",
    });
    expect(decodeBody("SwarmInitRequest", read.value, read.literals, "1.39")).toEqual({
      ListenAddr: "0.0.0.0:2377",
      DefaultAddrPool: ["10.9.0.0/16"],
      SubnetSize: 26,
    });
  });
});
