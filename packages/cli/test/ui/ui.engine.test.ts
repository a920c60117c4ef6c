import { Client } from "@flotilla/client";
import { UnixSocketTransport } from "@flotilla/transport";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import type { UiServer } from "../../src/ui/server.js";
import { type Browser, launchBrowser } from "./browser.js";
import { smoke, startUi } from "./smoke.js";

// The browser smoke test (smoke.ts) against the real engine. The engine is shared: the service has
// a name of its own and is removed afterwards, the page is never asked to count what others made,
// and no node is drained (the fake's tests do that).
const engine = inject("engine");

describe.skipIf(!engine)("the page against the real engine", () => {
  let client: Client;
  let ui: UiServer;
  let browser: Browser;
  const service = `ui-smoke-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    client = new Client({ transport: new UnixSocketTransport({ socketPath: engine!.socketPath }) });
    ui = await startUi(client);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.[Symbol.asyncDispose]();
    await ui?.close();
    await client?.services.remove(service).catch(() => undefined);
    await client?.close();
  });

  it("shows nodes and tasks, follows logs, scales with no reload, and shows a refusal", {
    timeout: 120_000,
  }, async () => {
    const { page } = await smoke({ client, browser, ui, service, image: engine!.images.current });
    await page.close();
  });
});
