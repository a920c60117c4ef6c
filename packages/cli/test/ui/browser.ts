import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

// A real headless browser for the UI tests: Debian's chromium (no browser download), driven by
// playwright-core, with a profile of its own that is removed afterwards. A machine without
// /usr/bin/chromium fails these tests with how to get it (.ci/run installs it).

export const CHROMIUM = process.env.FLOTILLA_CHROMIUM ?? "/usr/bin/chromium";

/** The page's files as the build writes them (the tests run the sources, the page is built). */
export const builtAssets = fileURLToPath(new URL("../../dist/chunks/ui", import.meta.url));

export interface Browser extends AsyncDisposable {
  context: BrowserContext;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium)`);
  if (!existsSync(join(builtAssets, "app.js")))
    throw new Error(`no ${builtAssets}: build the CLI first (pnpm --filter @flotilla/cli build)`);
  const profile = mkdtempSync(join(tmpdir(), "flotilla-ui-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async [Symbol.asyncDispose]() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits, with a bound, until `count` elements match `selector`. */
export async function untilCount(
  page: Page,
  selector: string,
  count: number,
  timeout = 10_000,
): Promise<void> {
  await page.waitForFunction(
    ([s, n]) => (globalThis as unknown as InPage).document.querySelectorAll(s as string).length === n,
    [selector, count] as const,
    { timeout, polling: "raf" },
  );
}

/**
 * What the functions run in the page use of it. These tests are typed for Node, not the DOM, and
 * the page's Content-Security-Policy refuses code passed as text, so in-page functions cast.
 */
export interface InPage {
  document: {
    querySelectorAll(selector: string): { length: number };
    querySelector(selector: string): { textContent: string | null } | null;
  };
  sameDocument?: boolean;
}
