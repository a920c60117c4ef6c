import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTransports } from "../create-transport.js";
import { FailoverTransport } from "../failover-transport.js";
import { contextDirectoryName } from "./context-store.js";
import { resolveEndpoints } from "./resolve-endpoint.js";

// Several managers for one client: explicit `hosts`, or a context whose docker endpoint lists
// them in `Hosts` beside the `Host` the docker CLI reads.

function configWith(name: string, docker: Record<string, unknown>): { env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "flotilla-hosts-"));
  const meta = join(dir, "contexts", "meta", contextDirectoryName(name));
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(meta, "meta.json"), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker } }));
  return { env: { DOCKER_CONFIG: dir, HOME: dir } };
}

describe("resolveEndpoints", () => {
  it("takes explicit hosts in order, normalised", () => {
    const endpoints = resolveEndpoints({
      hosts: ["unix:///run/a.sock", "unix:///run/b.sock"],
      environment: { env: {} },
    });
    expect(endpoints.map((e) => [e.host, e.source])).toEqual([
      ["unix:///run/a.sock", "option"],
      ["unix:///run/b.sock", "option"],
    ]);
  });

  it("refuses an empty list, and host with hosts", () => {
    expect(() => resolveEndpoints({ hosts: [], environment: { env: {} } })).toThrow(/at least one host/);
    expect(() =>
      resolveEndpoints({ host: "unix:///a", hosts: ["unix:///b"], environment: { env: {} } }),
    ).toThrow(/either host or hosts/);
  });

  it("uses every host of a context that lists several", () => {
    const environment = configWith("managers", {
      Host: "unix:///run/m1.sock",
      Hosts: ["unix:///run/m1.sock", "unix:///run/m2.sock", "unix:///run/m3.sock"],
      SkipTLSVerify: false,
    });
    const endpoints = resolveEndpoints({ context: "managers", environment });
    expect(endpoints.map((e) => [e.host, e.context])).toEqual([
      ["unix:///run/m1.sock", "managers"],
      ["unix:///run/m2.sock", "managers"],
      ["unix:///run/m3.sock", "managers"],
    ]);
    const transport = createTransports(endpoints);
    expect(transport).toBeInstanceOf(FailoverTransport);
    expect((transport as FailoverTransport).endpoints).toEqual(endpoints.map((e) => e.host));
  });

  it("ignores a list whose first host is no longer the context's Host (the docker CLI changed it)", () => {
    const environment = configWith("moved", {
      Host: "unix:///run/elsewhere.sock",
      Hosts: ["unix:///run/m1.sock", "unix:///run/m2.sock"],
    });
    expect(resolveEndpoints({ context: "moved", environment }).map((e) => e.host)).toEqual([
      "unix:///run/elsewhere.sock",
    ]);
  });

  it("gives one endpoint, and a plain adapter, for an ordinary host", () => {
    const endpoints = resolveEndpoints({ environment: { env: { DOCKER_HOST: "unix:///run/x.sock" } } });
    expect(endpoints.map((e) => e.host)).toEqual(["unix:///run/x.sock"]);
    expect(createTransports(endpoints)).not.toBeInstanceOf(FailoverTransport);
  });
});
