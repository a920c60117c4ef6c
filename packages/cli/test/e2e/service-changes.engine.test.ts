import { describe, inject, it } from "vitest";
import { engineSession } from "./engine-session.js";
import {
  type Cli,
  linksChangeNothingForAFailedCreate,
  linksSayWhatRestartsAndRemovalReleases,
  minHealthHoldsAfterScale,
  networkFlagsResolveAndRefuse,
  showNamesLinkNetworks,
} from "./service-changes.js";

// service-changes.ts against the real engine. Names are unique per run; what is made is removed.
const engine = inject("engine");
const session = engineSession(engine?.socketPath, "changes");
const cli: Cli = {
  run: session.run,
  ok: session.ok,
  service: session.service,
  network(what) {
    const network = session.name(what);
    session.cleanUp(["network", "rm", network]);
    return network;
  },
  image: engine?.images.current ?? "",
};
const linkNetwork = (service: string) => {
  session.cleanUp(["network", "rm", `flotilla-link-${service}`]);
  return service;
};

describe.skipIf(!engine)("service changes on the real engine", () => {
  it(
    "resolves --network-rm/--network-add by name or ID and refuses what does nothing",
    {
      timeout: 60_000,
    },
    () => networkFlagsResolveAndRefuse(cli),
  );

  it("keeps --deploy-min-health as a ratio through scale and update", { timeout: 60_000 }, () =>
    minHealthHoldsAfterScale(cli),
  );

  it("changes no link target when the create is refused", { timeout: 90_000 }, () =>
    linksChangeNothingForAFailedCreate({ ...cli, service: (what) => linkNetwork(cli.service(what)) }),
  );

  it("says what a link restarts, and releases the link network on removal", { timeout: 120_000 }, () =>
    linksSayWhatRestartsAndRemovalReleases({ ...cli, service: (what) => linkNetwork(cli.service(what)) }),
  );

  it("names a service's link networks in show", { timeout: 60_000 }, () =>
    showNamesLinkNetworks({ ...cli, service: (what) => linkNetwork(cli.service(what)) }),
  );
});
