import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Client } from "@flotilla/client";
import type { UiServer } from "../../src/ui/server.js";
import { type Browser, type InPage, untilCount } from "./browser.js";
import { cards, TICKING } from "./smoke.js";

// The README's pictures of the page, taken by the browser tests on every run. They are written
// into docs/ only with FLOTILLA_UPDATE_SCREENSHOTS=1, so a test run never changes the tree.

const DOCS = fileURLToPath(new URL("../../../../docs/", import.meta.url));

export async function screenshot(browser: Browser, ui: UiServer, client: Client): Promise<void> {
  const update = process.env.FLOTILLA_UPDATE_SCREENSHOTS === "1";
  const dir = update ? DOCS : mkdtempSync(join(tmpdir(), "flotilla-ui-shots-"));
  const stack = { "com.docker.stack.namespace": "shop" };
  const made = [
    await client.services.create("busybox:1.36", { name: "api", replicas: 4, command: TICKING }),
    await client.services.create("flotilla-test/busybox", {
      name: "shop_front",
      replicas: 3,
      command: TICKING,
      labels: stack,
    }),
    await client.services.create("flotilla-test/busybox", {
      name: "shop_cache",
      replicas: 1,
      command: TICKING,
      labels: stack,
    }),
  ];
  try {
    const page = await browser.newPage({ width: 1200, height: 700 });
    await page.goto(ui.url);
    await untilCount(page, cards("api"), 4, 20_000);
    await untilCount(page, cards("shop_front"), 3, 20_000);
    await page.screenshot({ path: join(dir, "ui-nodes.png") });
    await page.goto(`${ui.url}#/services`);
    await page.locator('tr[data-service="shop_front"]').getByText("3/3").waitFor();
    await page.screenshot({ path: join(dir, "ui-services.png") });
    await page.goto(`${ui.url}#/service/${made[0]!.id}`);
    await page.waitForFunction(
      () => (globalThis as unknown as InPage).document.querySelectorAll(".log-lines > div").length >= 8,
      null,
      {
        timeout: 15_000,
      },
    );
    await page.screenshot({ path: join(dir, "ui-service.png"), fullPage: true });
    await page.close();
    const phone = await browser.newPage({ width: 390, height: 844 });
    await phone.goto(ui.url);
    await untilCount(phone, cards("api"), 4, 20_000);
    await phone.screenshot({ path: join(dir, "ui-phone.png") });
    await phone.close();
  } finally {
    for (const service of made) await client.services.remove(service.id);
    if (!update) rmSync(dir, { recursive: true, force: true });
  }
}
