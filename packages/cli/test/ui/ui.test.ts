import { request } from "node:http";
import { Client } from "@flotilla/client";
import type { FakeSwarm } from "@flotilla/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UiServer } from "../../src/ui/server.js";
import { fakeSwarm } from "../e2e/harness.js";
import { type Browser, type InPage, launchBrowser, untilCount } from "./browser.js";
import { screenshot } from "./screenshots.js";
import { cards, smoke, startUi, TICKING } from "./smoke.js";

// `flotilla ui` in a real browser against the fake swarm served in-process: who gets in, what the
// board shows, and that it follows the swarm as it changes, from the page or from elsewhere.

// The fake runs this image's command through its shell simulator, so its logs tick.
const SHELL_IMAGE = "busybox:1.36";

let swarm: FakeSwarm;
let client: Client;
let ui: UiServer;
let browser: Browser;

beforeAll(async () => {
  swarm = await fakeSwarm({ nodes: 3 });
  client = new Client({ transport: swarm.transport() });
  ui = await startUi(client);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.[Symbol.asyncDispose]();
  await ui?.close();
  await client?.close();
  await swarm?.close();
});

/** A raw request to the UI server, with exactly the headers given. */
function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: ui.port, path, method, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (text: string) => (body += text));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(method === "POST" ? "{}" : undefined);
  });
}

describe("who the UI server lets in", () => {
  const host = () => ({ Host: `127.0.0.1:${ui.port}` });

  it("serves the page at the printed address, on 127.0.0.1 only", async () => {
    expect(ui.url).toBe(`http://127.0.0.1:${ui.port}/${ui.token}/`);
    expect(ui.token).toMatch(/^[\w-]{43}$/);
    const page = await get(`/${ui.token}/`, host());
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="app">');
    expect((await get(`/${ui.token}/`, { Host: `localhost:${ui.port}` })).status).toBe(200);
  });

  it("refuses a request without the token, or with another one", async () => {
    for (const path of ["/", "/api/events", `/${"x".repeat(43)}/`, `/${ui.token.slice(1)}/api/events`]) {
      const answer = await get(path, host());
      expect(answer.status, path).toBe(403);
      expect(answer.body).toBe("refused: open the address flotilla ui printed\n");
    }
  });

  it("refuses another Host (DNS rebinding) and another Origin, and writes with no Origin", async () => {
    expect((await get(`/${ui.token}/`, { Host: "evil.example" })).status).toBe(403);
    expect((await get(`/${ui.token}/`, { Host: `evil.example:${ui.port}` })).status).toBe(403);
    const foreign = await get(`/${ui.token}/api/events`, { ...host(), Origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
    const nodes = await client.nodes.list();
    const path = `/${ui.token}/api/nodes/${nodes[0]!.id}/availability`;
    expect((await get(path, { ...host(), "Content-Type": "application/json" }, "POST")).status).toBe(403);
    expect((await get(path, { ...host(), Origin: "http://evil.example" }, "POST")).status).toBe(403);
    expect(swarm.nodes().every((n) => n.Spec?.Availability === "active")).toBe(true);
  });

  it("in the browser: the page with the token, a refusal without it", async () => {
    const page = await browser.newPage();
    const refused = await page.goto(`http://127.0.0.1:${ui.port}/`);
    expect(refused?.status()).toBe(403);
    await page.goto(ui.url);
    await untilCount(page, ".column[data-node-id]", 3);
    await page.close();
  });
});

describe("the page against the fake swarm", () => {
  it("shows nodes and tasks, follows logs, scales with no reload, and shows a refusal", {
    timeout: 60_000,
  }, async () => {
    const { page } = await smoke({ client, browser, ui, service: "ui-web", image: SHELL_IMAGE });
    await page.close();
  });

  it("moves a node's tasks on screen within a second when it is drained elsewhere", {
    timeout: 60_000,
  }, async () => {
    const service = await client.services.create("flotilla-test/busybox", {
      name: "ui-spread",
      replicas: 6,
      command: TICKING,
      // The swarm starts a drained node's tasks elsewhere after the restart delay (5 s by default).
      restartPolicy: { delay: "100ms" },
    });
    const page = await browser.newPage();
    await page.goto(ui.url);
    await untilCount(page, cards("ui-spread"), 6, 20_000);
    const column = '.column[data-hostname="node-3"]';
    await page
      .locator(`${column} ${cards("ui-spread")}`)
      .first()
      .waitFor();
    swarm.drain("node-3");
    // Within a second: the column empty of the service, all six running elsewhere, and the badge.
    await page.waitForFunction(
      ([col, sel]) => {
        const { document } = globalThis as unknown as InPage;
        return (
          document.querySelectorAll(`${col} .card`).length === 0 &&
          document.querySelectorAll(sel as string).length === 6 &&
          document.querySelector(`${col} [data-field="availability"]`)?.textContent === "drain"
        );
      },
      [column, cards("ui-spread")] as const,
      { timeout: 1000, polling: "raf" },
    );
    swarm.setAvailability("node-3", "active");
    await page.close();
    await client.services.remove(service.id);
  });

  it("drains and activates a node from the page, after asking", { timeout: 30_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(ui.url);
    const column = page.locator('.column[data-hostname="node-2"]');
    await column.getByRole("button", { name: "Drain" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    expect(swarm.node("node-2").Spec?.Availability).toBe("active");
    await column.getByRole("button", { name: "Drain" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Drain node-2" }).click();
    await column.locator('[data-field="availability"]').getByText("drain").waitFor();
    expect(swarm.node("node-2").Spec?.Availability).toBe("drain");
    await column.getByRole("button", { name: "Activate" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Activate node-2" }).click();
    await column.locator('[data-field="availability"]').getByText("active").waitFor();
    await page.close();
  });

  it("shows the engine's message when it refuses an action", { timeout: 30_000 }, async () => {
    const service = await client.services.create("flotilla-test/busybox", {
      name: "ui-refused",
      command: TICKING,
    });
    const remove = swarm.inject({
      method: "POST",
      path: `/services/${service.id}/update`,
      status: 500,
      message: "rpc error: code = Unavailable desc = the swarm is busy, try again",
    });
    const page = await browser.newPage();
    await page.goto(`${ui.url}#/service/${service.id}`);
    await page.getByRole("button", { name: "Force restart" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Force restart" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toBe("Refused: the swarm is busy, try again×");
    remove();
    await page.close();
    await client.services.remove(service.id);
  });

  it("never shows a secret's value", { timeout: 30_000 }, async () => {
    const value = "s3cr3t-value-for-ui";
    await client.secrets.create({ name: "ui-secret", data: value });
    const service = await client.services.create("flotilla-test/busybox", {
      name: "ui-with-secret",
      command: TICKING,
      secrets: ["ui-secret"],
      env: { DB_PASSWORD: value },
    });
    const page = await browser.newPage();
    await page.goto(`${ui.url}#/service/${service.id}`);
    await page.locator(".spec").getByText("ui-secret → ui-secret").waitFor();
    await page.locator(".spec").getByText("DB_PASSWORD (values not shown)").waitFor();
    expect(await page.content()).not.toContain(value);
    await page.close();
    await client.services.remove(service.id);
  });

  it("takes the screenshots of the main views (docs/ui-*.png)", { timeout: 60_000 }, async () => {
    await screenshot(browser, ui, client);
  });
});
