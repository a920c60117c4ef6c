import { describe, it } from "vitest";
import { useFakeSwarm } from "./fixture.js";
import {
  type Cli,
  linksChangeNothingForAFailedCreate,
  linksSayWhatRestartsAndRemovalReleases,
  minHealthHoldsAfterScale,
  networkFlagsResolveAndRefuse,
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
});
