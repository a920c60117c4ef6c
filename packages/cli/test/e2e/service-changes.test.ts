import { describe, expect, it } from "vitest";
import { useFakeSwarm } from "./fixture.js";
import {
  type Cli,
  linksChangeNothingForAFailedCreate,
  linksSayWhatRestartsAndRemovalReleases,
  minHealthHoldsAfterScale,
  networkFlagsResolveAndRefuse,
  showNamesLinkNetworks,
} from "./service-changes.js";

// service-changes.ts against the fake (a fresh swarm per test).
const fake = useFakeSwarm();
const cli: Cli = {
  run: (argv) => fake.run(argv),
  ok: (argv) => fake.ok(argv),
  service: (what) => what,
  network: (what) => `net-${what}`,
  image: "flotilla-test/busybox:latest",
};

describe("service changes on the fake", () => {
  it("resolves --network-rm/--network-add by name or ID and refuses what does nothing", () =>
    networkFlagsResolveAndRefuse(cli));
  it("keeps --deploy-min-health as a ratio through scale and update", () => minHealthHoldsAfterScale(cli));
  it("changes no link target when the create is refused", () => linksChangeNothingForAFailedCreate(cli));
  it("says what a link restarts, and releases the link network on removal", () =>
    linksSayWhatRestartsAndRemovalReleases(cli));
  it("names a service's link networks in show", () => showNamesLinkNetworks(cli));
});

describe("stateful services from the image's volumes on the fake", () => {
  it("keeps the volumes an image the engine holds declares, and says when it does not hold it", async () => {
    fake.swarm.image("kv:1", { volumes: ["/data"] });
    expect(await fake.run("service create --stateful db kv:1")).toMatchObject({
      code: 2,
      stderr:
        "flotilla: --stateful needs at least one volume without a source, such as -v /data, to keep per instance; " +
        'image "kv:1" is not on this engine, so the volumes it declares cannot be read\n',
    });
    // An engine holds an image once a task of it ran there: on every node, for a global service.
    await fake.ok("service create warm kv:1 --mode global --deploy -q");
    await fake.ok("service create --stateful db kv:1");
    expect(fake.swarm.service("db").Spec?.TaskTemplate?.ContainerSpec?.Mounts).toEqual([
      { Type: "volume", Source: "db-{{.Task.Slot}}-data", Target: "/data" },
    ]);
  });
});

describe("secrets as environment variables on the fake", () => {
  it("wraps the entrypoint, asking for it when the image is not held, and unwraps", async () => {
    await fake.ok("secret create token -", { stdin: "t" });
    const given = "service create web flotilla-test/busybox:latest --secret token:TOKEN:env --secrets-in-env";
    expect(await fake.run(`${given} --cmd 'sleep 1'`)).toMatchObject({
      code: 2,
      stderr:
        "flotilla: --secret SECRET:NAME:env: the image is not on this engine, so its entrypoint and command cannot be read; give them with --entrypoint and --cmd\n",
    });
    await fake.ok(`${given} --cmd 'sleep 1' --entrypoint env`);
    const container = () => fake.swarm.service("web").Spec?.TaskTemplate?.ContainerSpec;
    expect(container()).toMatchObject({
      Command: [
        "/bin/sh",
        "-c",
        'TOKEN="$(cat /run/secrets/flotilla-env-TOKEN)" && export TOKEN && exec "$@"',
        "flotilla-secret-env",
        "env",
      ],
      Args: ["sleep", "1"],
    });
    await fake.ok("service update web --cmd 'sleep 2'");
    expect(container()?.Command?.slice(3)).toEqual(["flotilla-secret-env", "env"]);
    expect(container()?.Args).toEqual(["sleep", "2"]);
    await fake.ok("service update web --secret-rm token");
    expect(container()?.Command).toEqual(["env"]);
  });
});
