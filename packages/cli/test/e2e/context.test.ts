import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { flotilla } from "./harness.js";

// Contexts live in a temporary DOCKER_CONFIG; the real docker CLI reads them back.
// The docker CLI scripts/engine-up.sh found newest (the machine may also have an older one on PATH).
const dockerCli = process.env.FLOTILLA_DOCKER_CLI ?? "docker";
const hasDocker = spawnSync(dockerCli, ["--version"]).status === 0;
let config: string;
let env: Record<string, string>;

beforeEach(() => {
  config = mkdtempSync(join(tmpdir(), "flotilla-contexts-"));
  env = { DOCKER_CONFIG: config, HOME: config };
});

const run = (argv: string | string[]) => flotilla(argv, { env });
async function ok(argv: string | string[]) {
  const result = await run(argv);
  if (result.code !== 0) throw new Error(`flotilla ${argv} exited ${result.code}: ${result.stderr}`);
  return result;
}

function docker(...args: string[]) {
  return spawnSync(dockerCli, args, {
    encoding: "utf8",
    env: { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: "" },
  });
}

describe("flotilla context", () => {
  it("creates, lists, uses, inspects and removes contexts in the docker CLI's store", async () => {
    const created = await ok([
      "context",
      "create",
      "staging",
      "--docker",
      "host=tcp://10.0.0.5:2376,skip-tls-verify=true",
      "--description",
      "the staging swarm",
    ]);
    expect(created).toMatchObject({ stdout: "staging\n", stderr: 'Created context "staging"\n' });
    await ok(["context", "create", "local", "--docker", "host=unix:///tmp/other.sock"]);
    expect((await ok("context ls --format '{{.Name}} {{.Current}} {{.DockerEndpoint}}'")).stdout).toBe(
      "default true unix:///var/run/docker.sock\nlocal false unix:///tmp/other.sock\nstaging false tcp://10.0.0.5:2376\n",
    );
    expect(await ok("context use staging")).toMatchObject({ stdout: "staging\n" });
    expect(JSON.parse(readFileSync(join(config, "config.json"), "utf8")).currentContext).toBe("staging");
    expect((await ok("context ls")).stdout).toMatch(
      /\nstaging \* +the staging swarm +tcp:\/\/10\.0\.0\.5:2376\n/,
    );
    const [inspected] = JSON.parse((await ok("context inspect")).stdout);
    expect(inspected).toMatchObject({
      Name: "staging",
      Metadata: { Description: "the staging swarm" },
      Endpoints: { docker: { Host: "tcp://10.0.0.5:2376", SkipTLSVerify: true } },
    });
    expect((await run("context rm staging")).code).toBe(2);
    await ok("context rm --force staging");
    expect(JSON.parse(readFileSync(join(config, "config.json"), "utf8")).currentContext).toBeUndefined();
    expect((await ok("context ls -q")).stdout).toBe("default\nlocal\n");
    expect(await run("context use nowhere")).toMatchObject({
      code: 1,
      stderr: 'flotilla: context "nowhere" not found\n',
    });
  });

  it("refuses a bad name, a duplicate and a host that is not a URL", async () => {
    expect((await run(["context", "create", "default", "--docker", "host=unix:///x.sock"])).code).toBe(2);
    await ok(["context", "create", "one", "--docker", "host=unix:///x.sock"]);
    expect((await run(["context", "create", "one", "--docker", "host=unix:///x.sock"])).stderr).toBe(
      'flotilla: context "one" already exists\n',
    );
    expect((await run(["context", "create", "two", "--docker", "host=10.0.0.1"])).code).toBe(2);
  });

  it("keeps the rest of config.json when switching", async () => {
    writeFileSync(join(config, "config.json"), JSON.stringify({ auths: { "r.example": { auth: "eA==" } } }));
    await ok(["context", "create", "one", "--docker", "host=unix:///x.sock"]);
    await ok("context use one");
    expect(JSON.parse(readFileSync(join(config, "config.json"), "utf8"))).toEqual({
      auths: { "r.example": { auth: "eA==" } },
      currentContext: "one",
    });
  });

  it.skipIf(!hasDocker)(
    "writes contexts the real docker CLI lists, inspects and uses, TLS files included",
    async () => {
      const certs = mkdtempSync(join(tmpdir(), "flotilla-certs-"));
      for (const name of ["ca", "cert", "key"]) writeFileSync(join(certs, `${name}.pem`), `${name} bytes\n`);
      await ok([
        "context",
        "create",
        "remote",
        "--description",
        "over TLS",
        "--docker",
        `host=tcp://192.0.2.1:2376,ca=${certs}/ca.pem,cert=${certs}/cert.pem,key=${certs}/key.pem`,
      ]);
      await ok("context use remote");
      const listed = docker("context", "ls", "--format", "json");
      expect(listed.status).toBe(0);
      const rows = listed.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(rows).toContainEqual(
        expect.objectContaining({
          Name: "remote",
          Current: true,
          Description: "over TLS",
          DockerEndpoint: "tcp://192.0.2.1:2376",
          Error: "",
        }),
      );
      const [inspected] = JSON.parse(docker("context", "inspect", "remote").stdout);
      expect(inspected.TLSMaterial).toEqual({ docker: ["ca.pem", "cert.pem", "key.pem"] });
      // And the other way: a context the docker CLI made, as flotilla sees it.
      expect(
        docker("context", "create", "made-by-docker", "--docker", "host=unix:///tmp/d.sock").status,
      ).toBe(0);
      expect((await ok("context ls --format '{{.Name}} {{.DockerEndpoint}}'")).stdout).toContain(
        "made-by-docker unix:///tmp/d.sock\n",
      );
      const [ours] = JSON.parse((await ok("context inspect remote")).stdout);
      expect(ours).toEqual(inspected);
    },
  );
});
