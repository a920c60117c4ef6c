import type { Client } from "@flotilla/client";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { startUiServer, type UiServer } from "../../src/ui/server.js";
import { type Browser, builtAssets, type InPage, untilCount } from "./browser.js";

// The one walk through the page that runs against the fake and the real engine alike: the board
// shows every node and the service's tasks, the service page follows its logs, a scale done on
// the page shows its new tasks with no reload, and a refused image update shows the engine's words.

export function startUi(client: Client): Promise<UiServer> {
  return startUiServer({ client, assetsDir: builtAssets });
}

/** What the service under test runs: a line every 200 ms, so its logs have something to follow. */
export const TICKING = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"];

export const cards = (service: string, state = "running") =>
  `.card[data-service="${service}"][data-state="${state}"]:not(.leaving)`;

export async function smoke(options: {
  client: Client;
  browser: Browser;
  ui: UiServer;
  service: string;
  image: string;
}) {
  const { client, browser, ui, service } = options;
  const created = await client.services.create(options.image, {
    name: service,
    replicas: 2,
    command: TICKING,
  });
  const page = await browser.newPage();
  await page.goto(ui.url);
  const nodes = await client.nodes.list();
  await untilCount(page, ".column[data-node-id]", nodes.length);
  await untilCount(page, cards(service), 2, 30_000);

  // The services view, then the service's page, which follows its logs.
  await page.getByRole("link", { name: "Services", exact: true }).click();
  const row = page.locator(`tr[data-service="${service}"]`);
  await row.locator('[data-field="replicas"]').getByText("2/2").waitFor();
  await row.getByRole("link", { name: service }).click();
  await page.locator(".service-page h2").getByText(service).waitFor();
  const seen = await untilLogLines(page, 1);
  await untilLogLines(page, seen + 2);

  // Scale from the page; the new task appears without a reload.
  await page.evaluate(() => {
    (globalThis as unknown as InPage).sameDocument = true;
  });
  await page.getByLabel("Replicas").fill("3");
  await page.getByRole("button", { name: "Scale", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Scale to 3" }).click();
  await page.getByRole("status").getByText("Done: scale to 3").waitFor();
  await page.getByRole("link", { name: "Nodes", exact: true }).click();
  await untilCount(page, cards(service), 3, 30_000);
  expect(await page.evaluate(() => (globalThis as unknown as InPage).sameDocument)).toBe(true);

  // An image the engine refuses: its message, on the page.
  await page.goto(`${ui.url}#/service/${created.id}`);
  await page.getByLabel("Image").fill("not::valid");
  await page.getByRole("button", { name: "Update image" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Update image" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  expect(await alert.textContent()).toContain('"not::valid" is not a valid repository/tag');
  return { page, id: created.id };
}

/** Waits until the log panel holds at least `count` lines; resolves to how many it holds. */
export async function untilLogLines(page: Page, count: number): Promise<number> {
  await page.waitForFunction(
    (n) => (globalThis as unknown as InPage).document.querySelectorAll(".log-lines > div").length >= n,
    count,
    {
      timeout: 15_000,
      polling: "raf",
    },
  );
  return page.evaluate(
    () => (globalThis as unknown as InPage).document.querySelectorAll(".log-lines > div").length,
  );
}
