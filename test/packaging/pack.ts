import { execFile } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

// Packs every workspace package as `pnpm publish` would (workspace: versions replaced,
// publishConfig applied) and unpacks each tarball, so tests read exactly what a user installs.

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const run = promisify(execFile);

const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const pnpmVersion: string = rootManifest.packageManager.split("@")[1];

export interface Manifest {
  name: string;
  version: string;
  license?: string;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  exports?: unknown;
  publishConfig?: Record<string, unknown>;
  dependencies?: Record<string, string>;
}

export interface PackedPackage {
  name: string;
  /** The folder under packages/. */
  folder: string;
  tarball: string;
  /** Where the tarball was unpacked (its `package/` folder). */
  unpacked: string;
  /** package.json as published. */
  manifest: Manifest;
  files: string[];
}

/** `pnpm` as the repository pins it (packageManager), whichever way the tests were started. */
export function pnpm(args: string[], cwd = root) {
  return run("npx", ["-y", `pnpm@${pnpmVersion}`, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
}

/** Packs into `dir` (a temporary folder the caller removes); `only` packs that one folder of packages/. */
export async function packAll(dir: string, only?: string): Promise<PackedPackage[]> {
  const { stdout } = await pnpm([
    "-r",
    "--filter",
    only ? `./packages/${only}` : "./packages/*",
    "pack",
    "--pack-destination",
    dir,
    "--json",
  ]);
  type Packed = { name: string; filename: string; files: { path: string }[] };
  // One package packed is printed as an object, several as an array.
  const packed: Packed | Packed[] = JSON.parse(stdout);
  return Promise.all(
    [packed].flat().map(async ({ name, filename, files }) => {
      const target = join(dir, name.replace("@flotilla/", ""));
      mkdirSync(target);
      await run("tar", ["-xzf", filename, "-C", target]);
      const unpacked = join(target, "package");
      return {
        name,
        folder: name.replace("@flotilla/", ""),
        tarball: filename,
        unpacked,
        manifest: JSON.parse(readFileSync(join(unpacked, "package.json"), "utf8")),
        files: files.map((f) => f.path).sort(),
      };
    }),
  );
}
