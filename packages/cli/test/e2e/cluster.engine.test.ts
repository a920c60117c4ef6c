import { describe, expect, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";

// node, task, secret, config and network commands against the shared real engine (a one-node
// swarm). Names are unique per run; everything made here is removed.
const engine = inject("engine");
const { ok, run, name: unique, cleanUp } = engineSession(engine?.socketPath, "cluster");

describe.skipIf(!engine)("against the real engine", () => {
  it("lists and inspects the node, and shows the tasks on it", { timeout: 90_000 }, async () => {
    const ls = await ok("node ls");
    expect(ls.stdout).toMatch(
      /^ID +HOSTNAME +STATUS +AVAILABILITY +MANAGER STATUS +ENGINE VERSION\n[a-z0-9]{25} \* +\S+ +Ready +Active +Leader +\S+\n$/,
    );
    const hostname = (
      await ok(["node", "inspect", "self", "--format", "{{.Description.Hostname}}"])
    ).stdout.trim();
    const pretty = (await ok(`node inspect --pretty ${hostname}`)).stdout;
    expect(pretty).toMatch(new RegExp(`^ID: +[a-z0-9]{25}\\nHostname: +${hostname}\\n`));
    expect(pretty).toMatch(/\n Leader: +Yes\n/);

    const name = unique("nodeps");
    cleanUp(["service", "rm", name]);
    await ok([
      "service",
      "create",
      name,
      engine!.images.current,
      "--instances",
      "2",
      "--deploy",
      "-q",
      "--timeout",
      "60",
      "--cmd",
      "sh -c 'echo hello from the engine; sleep 3600'",
    ]);
    const ps = await ok(["node", "ps", "self", "--format", "{{.Name}} {{.Node}} {{.DesiredState}}"]);
    expect(ps.stdout).toContain(`${name}.1 ${hostname} Running\n`);
    expect(ps.stdout).toContain(`${name}.2 ${hostname} Running\n`);

    const tasks = await ok([
      "task",
      "ls",
      "-f",
      `service=${name}`,
      "--no-trunc",
      "--format",
      "{{.ID}} {{.Name}}",
    ]);
    const lines = tasks.stdout
      .trim()
      .split("\n")
      .sort((a, b) => a.split(" ")[1]!.localeCompare(b.split(" ")[1]!));
    expect(lines.map((l) => l.split(" ")[1])).toEqual([`${name}.1`, `${name}.2`]);
    const id = lines[0]!.split(" ")[0]!;
    const [task] = JSON.parse((await ok(`task inspect ${id.slice(0, 8)}`)).stdout);
    expect(task.ID).toBe(id);
    let logs = "";
    for (let i = 0; i < 40 && logs === ""; i++) {
      logs = (await ok(`task logs ${id}`)).stdout;
      if (logs === "") await new Promise((r) => setTimeout(r, 250));
    }
    expect(logs).toBe("hello from the engine\n");
  });

  it.each(["secret", "config"])("creates a %s from stdin, lists, inspects and removes it", async (kind) => {
    const name = unique(kind);
    cleanUp([kind, "rm", name]);
    const value = `value-of-${name}`;
    expect((await ok(`${kind} create ${name} - --label app=cli`, value)).stdout).toMatch(/^[a-z0-9]{25}\n$/);
    expect((await ok([kind, "ls", "-f", `name=${name}`, "--format", "{{.Name}} {{.Labels}}"])).stdout).toBe(
      `${name} app=cli\n`,
    );
    const inspected = (await ok(`${kind} inspect ${name}`)).stdout;
    const encoded = Buffer.from(value).toString("base64");
    if (kind === "secret") expect(inspected).not.toContain(encoded);
    else expect(JSON.parse(inspected)[0].Spec.Data).toBe(encoded);
    expect((await ok(`${kind} rm ${name}`)).stdout).toBe(`${name}\n`);
    expect((await run(`${kind} inspect ${name}`)).stderr).toBe(`flotilla: ${kind} "${name}" not found\n`);
  });

  it("creates an attachable overlay network with a subnet, lists, inspects and removes it", async () => {
    const name = unique("net");
    cleanUp(["network", "rm", name]);
    await ok(`network create ${name} --attachable --subnet 10.213.7.0/24 --label team=cli`);
    // Under load the engine has once listed a just-created overlay with an empty driver (seen in
    // CI, 2026-11-22): the listing is read again for a few seconds before it is judged.
    const list = ["network", "ls", "-f", `name=${name}`, "--format", "{{.Name}} {{.Driver}} {{.Scope}}"];
    let listed = (await ok(list)).stdout;
    for (let i = 0; i < 20 && listed !== `${name} overlay swarm\n`; i++) {
      await new Promise((r) => setTimeout(r, 250));
      listed = (await ok(list)).stdout;
    }
    expect(listed).toBe(`${name} overlay swarm\n`);
    const [network] = JSON.parse((await ok(`network inspect ${name}`)).stdout);
    expect(network).toMatchObject({ Attachable: true, Labels: { team: "cli" } });
    expect(network.IPAM.Config[0].Subnet).toBe("10.213.7.0/24");
    expect((await ok(`network rm ${name}`)).stdout).toBe(`${name}\n`);
  });

  it("reads the swarm and its join tokens without changing them", async () => {
    const [swarm] = JSON.parse((await ok("swarm inspect")).stdout);
    expect((await ok("swarm join-token worker -q")).stdout).toBe(`${swarm.JoinTokens.Worker}\n`);
    expect((await ok("swarm join-token manager")).stdout).toContain(
      `flotilla swarm join --token ${swarm.JoinTokens.Manager} `,
    );
  });
});
