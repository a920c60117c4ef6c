// `pnpm version-packages`: `changeset version`, then the CLI's VERSION constant brought in step
// with its package.json (the CLI prints it without reading a file at start-up).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

execFileSync("changeset", ["version"], { stdio: "inherit" });
const { version } = JSON.parse(readFileSync("packages/cli/package.json", "utf8"));
const file = "packages/cli/src/version.ts";
const text = readFileSync(file, "utf8");
const next = text.replace(/export const VERSION = "[^"]*";/, `export const VERSION = "${version}";`);
if (!next.includes(`"${version}"`)) throw new Error(`${file}: no VERSION constant to set`);
writeFileSync(file, next);
console.log(`${file}: VERSION = "${version}"`);
