// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose files write their variables ${VAR}.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@flotilla/types";
import { describe, expect, it } from "vitest";
import { loadCompose } from "./load.js";

function folderWith(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), "flotilla-compose-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  return folder;
}

async function failure(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe("loadCompose", () => {
  it("merges files as -c a.yml -c b.yml does", async () => {
    const folder = folderWith({
      "a.yml": `
services:
  web:
    image: img:1
    command: ["a", "b"]
    environment: { A: "1", B: "2" }
    ports: ["8080:80", "9090:90"]
    secrets: [s1]
    volumes: ["data:/data", "/x:/x"]
    dns: [1.1.1.1]
    logging: { driver: json-file, options: { max-size: 1m } }
    deploy: { replicas: 3, labels: [a=1], placement: { constraints: [c1] } }
    read_only: true
  db: { image: db }
networks:
  front: { driver: overlay, attachable: true }
secrets:
  s1: { file: ./s1 }
  s2: { file: ./s2 }
volumes: { data: {} }
`,
      "b.yml": `
services:
  web:
    image: img:2
    command: c
    environment: { B: "3" }
    ports: ["8080:81"]
    secrets: [{ source: s1, target: other }, s2]
    volumes: ["other:/data"]
    dns: [8.8.8.8]
    logging: { options: { max-file: "2" } }
    deploy: { replicas: 0, labels: { b: "2" }, placement: { constraints: [c2] } }
    read_only: false
networks:
  front: { driver: overlay }
volumes: { other: {} }
`,
    });
    const { document } = await loadCompose([join(folder, "a.yml"), join(folder, "b.yml")], { env: {} });
    const web = document.services.web!;
    expect(web.image).toBe("img:2");
    expect(web.command).toEqual(["c"]);
    expect(web.environment).toEqual({ A: "1", B: "3" });
    // Keyed by published port, by target, by source; the later file's entry wins.
    expect(web.ports).toEqual([
      { mode: "ingress", target: 81, published: 8080, protocol: "tcp" },
      { mode: "ingress", target: 90, published: 9090, protocol: "tcp" },
    ]);
    expect(web.volumes?.map((v) => `${v.source}:${v.target}`)).toEqual(["other:/data", "/x:/x"]);
    expect(web.secrets).toEqual([{ source: "s1", target: "other" }, { source: "s2" }]);
    expect(web.dns).toEqual(["1.1.1.1", "8.8.8.8"]);
    expect(web.logging).toEqual({ driver: "json-file", options: { "max-size": "1m", "max-file": "2" } });
    // replicas is kept as "set": 0 overrides; read_only: false does not (the docker CLI's merge).
    expect(web.deploy?.replicas).toBe(0);
    expect(web.read_only).toBe(true);
    expect(web.deploy?.labels).toEqual({ a: "1", b: "2" });
    expect(web.deploy?.placement?.constraints).toEqual(["c1", "c2"]);
    expect(document.services.db?.image).toBe("db");
    // Top-level entries are replaced whole.
    expect(document.networks.front).toEqual({ driver: "overlay" });
    expect(Object.keys(document.volumes)).toEqual(["data", "other"]);
    // Paths are relative to the first file's folder.
    expect(document.secrets.s1?.file).toBe(join(folder, "s1"));
  });

  it("reads variables from env, then an explicit env file; never .env", async () => {
    const folder = folderWith({
      "compose.yml":
        "services:\n  web:\n    image: ${IMAGE}\n    environment:\n      - A=${A}\n      - FROM_ENV\n",
      ".env": "IMAGE=from-dot-env\n",
      "vars.env": "\uFEFF# comment\n  IMAGE=from-env-file\nA=file value \n",
    });
    const file = join(folder, "compose.yml");
    const withFile = await loadCompose([file], {
      env: { A: "env wins", FROM_ENV: "x" },
      envFile: join(folder, "vars.env"),
    });
    expect(withFile.document.services.web?.image).toBe("from-env-file");
    expect(withFile.document.services.web?.environment).toEqual({ A: "env wins", FROM_ENV: "x" });
    const error = await failure(loadCompose([file], { env: {} }));
    expect(error.message).toContain("services.web.image: is required");
  });

  it("takes YAML text and parsed documents, with paths from workingDir", async () => {
    const text = await loadCompose("services:\n  web: { image: a, volumes: ['./d:/d'] }\n", {
      env: {},
      workingDir: "/srv",
    });
    expect(text.document.services.web?.volumes?.[0]?.source).toBe("/srv/d");
    const parsed = await loadCompose({ services: { web: { image: "a", env_file: [] } } }, { env: {} });
    expect(parsed.document.services.web?.image).toBe("a");
  });

  it("reads a leading 0 as octal, as the docker CLI's YAML parser does", async () => {
    const { document } = await loadCompose(
      "services:\n  web:\n    image: a\n    secrets: [{ source: s, mode: 0440 }]\nsecrets:\n  s: { external: true }\n",
      { env: {} },
    );
    expect(document.services.web?.secrets?.[0]?.mode).toBe(0o440);
  });

  it.each([
    [
      "services:\n  web:\n    image: a\n    deploy: { replicas: many }\n",
      "services.web.deploy.replicas: must be an integer",
    ],
    [
      "services:\n  web:\n    image: a\n    deploy: { replicas: [1] }\n",
      "services.web.deploy.replicas: must be an integer or a string",
    ],
    ["services:\n  web:\n    image: a\n    colour: red\n", "services.web.colour: is not allowed here"],
    [
      "services:\n  web:\n    image: a\n    stop_grace_period: soon\n",
      'services.web.stop_grace_period: "soon" is not a duration',
    ],
    ["services:\n  web:\n    command: x\n", "services.web.image: is required"],
    ["services:\n  web:\n    image: 'Not Valid'\n", "is not a valid image reference"],
    [
      "services:\n  web: { image: a }\nsecrets:\n  s: {}\n",
      "secrets.s.file: is required unless the secret is external",
    ],
    [
      "services:\n  web:\n    image: ${IMAGE:?set IMAGE}\n",
      "services.web.image: required variable IMAGE is missing a value: set IMAGE",
    ],
    [
      "services:\n  web:\n    image: a\n    ports: ['80/icmp']\n",
      'services.web.ports[0]: invalid protocol "icmp"',
    ],
    ["services:\n  web:\n    image: a\n    volumes_from: [b]\n", "services.*.volumes_from: unsupported"],
    ["- a\n- b\n", "the top level must be a mapping"],
    ["services: [\n", "not valid YAML (line"],
  ])("refuses %j naming the path and the file", async (yaml, message) => {
    const folder = folderWith({ "compose.yml": yaml });
    const error = await failure(loadCompose([join(folder, "compose.yml")], { env: {} }));
    expect(error.message).toContain(`compose file ${join(folder, "compose.yml")}`);
    expect(error.message).toContain(message);
  });

  it("refuses files of different versions", async () => {
    const folder = folderWith({ "a.yml": "version: '3.8'\nservices: {}\n", "b.yml": "services: {}\n" });
    const error = await failure(loadCompose([join(folder, "a.yml"), join(folder, "b.yml")], { env: {} }));
    expect(error.message).toContain("version: 3.13 differs from 3.8");
  });

  it("names a file that does not exist", async () => {
    const error = await failure(loadCompose(["/nonexistent/compose.yml"], { env: {} }));
    expect(error.message).toBe("invalid compose file /nonexistent/compose.yml: no such file");
  });

  it("reports ignored keys as docker stack deploy does, and does not fail", async () => {
    const { warnings } = await loadCompose(
      "services:\n  web:\n    image: a\n    build: .\n    restart: always\n    links: [b]\n    depends_on: [b]\n    container_name: xy\n    x-mine: 1\n  b: { image: b, privileged: true }\n",
      { env: {} },
    );
    expect(warnings[0]).toBe("Ignoring unsupported options: build, links, privileged, restart");
    expect(warnings[1]).toMatch(/^Ignoring deprecated options:\n\ncontainer_name: /);
  });
});
