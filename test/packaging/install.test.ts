import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packAll, root, run } from "./pack.js";

// A new user's first hour: the packed tarballs installed with npm into a fresh project, a first
// program against the in-process fake swarm run as an ES module and as CommonJS (what `npm init -y`
// makes), the same program in TypeScript under nodenext (ESM and CommonJS) and bundler, and the
// testing README's first test, as it stands there, run by vitest.

const versionOf = (name: string) =>
  JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version as string;

const scratch = mkdtempSync(join(tmpdir(), "flotilla-first-project-"));
const project = join(scratch, "project");

beforeAll(async () => {
  mkdirSync(join(scratch, "tarballs"));
  const packed = await packAll(join(scratch, "tarballs"));
  const tarball = (name: string) => packed.find((p) => p.name === name)!.tarball;
  write("package.json", JSON.stringify({ name: "first-project", version: "1.0.0", private: true }));
  await run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      ...["@flotilla/types", "@flotilla/transport", "@flotilla/client", "@flotilla/testing"].map(tarball),
      `typescript@${versionOf("typescript")}`,
      `vitest@${versionOf("vitest")}`,
      `@types/node@${versionOf("@types/node")}`,
    ],
    { cwd: project, env: { ...process.env, npm_config_loglevel: "error" } },
  );
}, 300_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(file: string, text: string): string {
  const path = join(project, file);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const node = (file: string, cwd = project) => run(process.execPath, [file], { cwd });
const tsc = (dir: string) => run(join(project, "node_modules/.bin/tsc"), ["-p", dir], { cwd: project });

// 2 tasks of web, placed and started by the fake's scheduler and agents (settle() runs them).
const EXPECTED = "web: running running\n";

const PROGRAM_BODY = `
  const swarm = await createFakeSwarm({ nodes: 3, seed: 1 });
  try {
    const client = new Client({ transport: swarm.transport(), registryAuth: false });
    const web = await client.services.create("busybox:1.36", { name: "web", replicas: 2, command: "sleep 3600" });
    swarm.settle();
    const tasks = await client.tasks.listAttrs({ service: web.id, desiredState: "running" });
    console.log("web: " + tasks.map((t) => t.Status?.State).join(" "));
  } finally {
    await swarm.close();
  }
`;

const TYPESCRIPT_PROGRAM = `import { Client } from "@flotilla/client";
import { createFakeSwarm } from "@flotilla/testing";

async function main(): Promise<void> {${PROGRAM_BODY}}

// Never called: proves the types are read (an unused @ts-expect-error is itself an error).
export function typo(client: Client) {
  // @ts-expect-error replcas is not an option
  return client.services.create("busybox", { replcas: 2 });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

const tsconfig = (compilerOptions: Record<string, unknown>) =>
  JSON.stringify({
    // skipLibCheck as `tsc --init` writes it (checking every .d.ts of node_modules takes 15 s here).
    compilerOptions: {
      strict: true,
      target: "ES2022",
      types: ["node"],
      skipLibCheck: true,
      ...compilerOptions,
    },
    include: ["*.ts"],
  });

/** The first ```ts block of the testing README's "Your first test", as a user copies it. */
function readmeFirstTest(): { file: string; code: string } {
  const readme = readFileSync(join(root, "packages/testing/README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Your first test"));
  const block = /```ts\n\/\/ (\S+)\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error("packages/testing/README.md: no first test under 'Your first test'");
  return { file: block[1]!, code: block[2]! };
}

describe("the packed packages in a fresh npm project", () => {
  it("run the testing README's first test with vitest, as written there", async () => {
    const { file, code } = readmeFirstTest();
    write(`first-test/${file}`, code);
    const { stdout } = await run(join(project, "node_modules/.bin/vitest"), ["run", "--root", "first-test"], {
      cwd: project,
      env: { ...process.env, CI: "true", FORCE_COLOR: "0" },
    });
    expect(stripVTControlCharacters(stdout)).toMatch(/Tests\s+1 passed \(1\)/);
  }, 60_000);

  it("import as ES modules and run a first program against the fake", async () => {
    write("esm/package.json", JSON.stringify({ type: "module" }));
    const file = write(
      "esm/first.js",
      `import { Client } from "@flotilla/client";\nimport { createFakeSwarm } from "@flotilla/testing";\n${PROGRAM_BODY}`,
    );
    expect((await node(file)).stdout).toBe(EXPECTED);
  });

  it("require() from CommonJS (Node >= 20.19) and run the same program", async () => {
    write("cjs/package.json", JSON.stringify({ type: "commonjs" }));
    const file = write(
      "cjs/first.js",
      `const { Client } = require("@flotilla/client");\nconst { createFakeSwarm } = require("@flotilla/testing");\n` +
        `(async () => {${PROGRAM_BODY}})();\n`,
    );
    expect((await node(file)).stdout).toBe(EXPECTED);
  });

  it("serve the fake with `npx flotilla-fake-engine`, which Client.fromEnv() reaches through DOCKER_HOST", async () => {
    const socket = join(project, "fake.sock");
    // What `npx flotilla-fake-engine` runs, started directly: npx does not pass SIGTERM on.
    const bin = join(project, "node_modules/.bin/flotilla-fake-engine");
    const engine = spawn(bin, ["--socket", socket, "--nodes", "2"], { cwd: project });
    try {
      const printed = await new Promise<string>((resolve, reject) => {
        let out = "";
        engine.stdout.on("data", (chunk) => {
          out += chunk;
          if (out.includes("\n")) resolve(out);
        });
        engine.on("exit", (code) => reject(new Error(`flotilla-fake-engine exited ${code}`)));
      });
      expect(printed).toBe(`export DOCKER_HOST=unix://${socket}\n`);
      const file = write(
        "cjs/from-env.js",
        `const { Client } = require("@flotilla/client");
(async () => {
  const client = await Client.fromEnv();
  try {
    console.log((await client.nodes.list()).map((n) => n.attrs.Description.Hostname).sort().join(" "));
  } finally {
    await client.close();
  }
})();
`,
      );
      const { stdout } = await run(process.execPath, [file], {
        cwd: project,
        env: { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: project },
      });
      expect(stdout).toBe("node-1 node-2\n");
    } finally {
      const exited = new Promise((resolve) => engine.once("exit", (code, signal) => resolve(code ?? signal)));
      engine.kill("SIGTERM");
      const timer = setTimeout(() => engine.kill("SIGKILL"), 5000);
      // It closes the swarm and exits 0 on SIGTERM (SIGKILL only if it hung).
      expect(await exited).toBe(0);
      clearTimeout(timer);
    }
  });

  it("typecheck and run under TypeScript nodenext, as ESM and as CommonJS, and typecheck under bundler", async () => {
    const projects = {
      "ts-esm": { type: "module", options: { module: "nodenext", outDir: "out" } },
      "ts-cjs": { type: "commonjs", options: { module: "nodenext", outDir: "out" } },
      "ts-bundler": {
        type: "module",
        options: { module: "preserve", moduleResolution: "bundler", noEmit: true },
      },
    };
    for (const [dir, { type, options }] of Object.entries(projects)) {
      write(`${dir}/package.json`, JSON.stringify({ type }));
      write(`${dir}/tsconfig.json`, tsconfig(options));
      write(`${dir}/first.ts`, TYPESCRIPT_PROGRAM);
    }
    const checked = await Promise.all(
      Object.keys(projects).map((dir) =>
        tsc(dir).then(
          () => "",
          (error) => `${dir}: ${error.stdout}`,
        ),
      ),
    );
    expect(checked.join("")).toBe("");
    // The CommonJS build really is CommonJS: require() calls, run by Node without a flag.
    expect(readFileSync(join(project, "ts-cjs/out/first.js"), "utf8")).toContain(
      'require("@flotilla/client")',
    );
    expect((await node("ts-cjs/out/first.js")).stdout).toBe(EXPECTED);
    expect((await node("ts-esm/out/first.js")).stdout).toBe(EXPECTED);
  }, 90_000);
});
