import type { GoTypeNode } from "@flotilla/types";
import { describe, expect, it } from "vitest";
import { encodeAnswer, encodeGo, goString } from "./encode.js";

const ref = (name: string): GoTypeNode => ({ kind: "ref", ref: name });

describe("the encoder writes as Go's encoding/json writes moby's types", () => {
  const cases: [string, GoTypeNode, unknown, string][] = [
    [
      "fields in Go's order, whatever order they are held in",
      ref("RaftConfig"),
      {
        HeartbeatTick: 1,
        ElectionTick: 10,
        SnapshotInterval: 10000,
        KeepOldSnapshots: 0,
        LogEntriesForSlowFollowers: 500,
      },
      '{"SnapshotInterval":10000,"KeepOldSnapshots":0,"LogEntriesForSlowFollowers":500,"ElectionTick":10,"HeartbeatTick":1}',
    ],
    [
      "a secret reference with File first",
      ref("ContainerSpecSecret"),
      { SecretName: "s", SecretID: "id", File: { Mode: 292, Name: "f", GID: "0", UID: "0" } },
      '{"File":{"Name":"f","UID":"0","GID":"0","Mode":292},"SecretID":"id","SecretName":"s"}',
    ],
    [
      "the zero values of omitempty fields left out, keys the type lacks dropped",
      ref("ContainerSpec"),
      { Image: "busybox", Env: [], Dir: "", TTY: false, Labels: {}, Bogus: 1, version: 3 },
      '{"Image":"busybox"}',
    ],
    [
      "a zero behind a pointer written (Init, StopGracePeriod)",
      ref("ContainerSpec"),
      { Init: false, StopGracePeriod: 0, Image: "i" },
      '{"Image":"i","Init":false,"StopGracePeriod":0}',
    ],
    [
      "maps written with sorted keys",
      ref("ContainerSpec"),
      { Labels: { z: "1", a: "2", m: "" } },
      '{"Labels":{"a":"2","m":"","z":"1"}}',
    ],
    [
      "fields without omitempty written with their zero values, a nil map as null",
      ref("UpdateConfig"),
      {},
      '{"Parallelism":0,"MaxFailureRatio":0,"Order":""}',
    ],
    [
      "a struct held by value written even when omitempty and missing (its Index is omitempty); a time as Go's zero time",
      ref("JobStatus"),
      {},
      '{"JobIteration":{},"LastExecution":"0001-01-01T00:00:00Z"}',
    ],
    [
      "a nil pointer to a struct without omitempty as null, and no field newer than API 1.41",
      ref("Privileges"),
      { SELinuxContext: { Disable: true } },
      '{"CredentialSpec":null,"SELinuxContext":{"Disable":true,"User":"","Role":"","Type":"","Level":""}}',
    ],
    ["a nil slice in a list as null", { kind: "array", items: ref("Node") }, null, "null"],
    [
      "an empty struct of spec/ as {} (swarm.GlobalService)",
      ref("ServiceMode"),
      { Global: {} },
      '{"Global":{}}',
    ],
  ];
  for (const [what, node, value, want] of cases)
    it(`writes ${what}`, () => expect(encodeGo(node, value)).toBe(want));

  it("writes strings with Go's escapes: \\u0008, \\u000c, U+2028; <, > and & as they are", () => {
    expect(goString('a\bb\fc\u2028d<e>&"\\\n')).toBe('"a\\u0008b\\u000cc\\u2028d<e>&\\"\\\\\\n"');
    expect(goString("plain")).toBe('"plain"');
    expect(goString("\\b")).toBe('"\\\\b"');
  });

  it("writes an operation's answer by its spec/ schema: a list of tasks", () => {
    const text = encodeAnswer("GET /secrets", [{ Spec: { Name: "s", Labels: { b: "", a: "" } }, ID: "x" }]);
    expect(text).toBe(
      '[{"ID":"x","Version":{},"CreatedAt":"0001-01-01T00:00:00Z","UpdatedAt":"0001-01-01T00:00:00Z","Spec":{"Name":"s","Labels":{"a":"","b":""}}}]',
    );
  });

  it("writes a value nested deeper than any schema without reaching JavaScript's stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 9_000; i++) deep = [deep];
    const text = encodeGo(ref("ContainerSpecConfig"), { Runtime: { deep } });
    expect(text.length).toBeGreaterThan(18_000);
  });
});
