import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CommandFailedError } from "../errors.js";

// The page's files: built from page/ into dist/chunks/ui/ with the CLI's bundle
// (scripts/bundle-config.mjs, writeUiAssets), so the installed package serves them with no build
// step and no network. Read once when the server starts; they are small.

export const ASSET_FILES = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
} as const;

export type AssetName = keyof typeof ASSET_FILES;

export type Assets = ReadonlyMap<AssetName, { type: string; body: Buffer }>;

/** The folder the bundle writes the page into: `ui/` beside the CLI's chunk. */
export function defaultAssetsDir(): string {
  const here = typeof import.meta.url === "string" ? import.meta.url : pathToFileURL(__filename).href;
  return join(dirname(fileURLToPath(here)), "ui");
}

export function loadAssets(dir: string): Assets {
  const assets = new Map<AssetName, { type: string; body: Buffer }>();
  for (const [name, type] of Object.entries(ASSET_FILES) as [AssetName, string][]) {
    const path = join(dir, name);
    if (!existsSync(path))
      throw new CommandFailedError(`the page's files are missing (no ${path}): reinstall flotilla`);
    assets.set(name, { type, body: readFileSync(path) });
  }
  return assets;
}
