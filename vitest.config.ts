import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const packages = readdirSync(new URL("./packages", import.meta.url));

// Tests import sibling packages from source, so `vitest` needs no build first.
const alias = [{ find: /^@flotilla\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` }];

export default defineConfig({
  resolve: { alias },
  test: {
    globalSetup: [`${root}test/setup/engine.ts`],
    reporters: ["default", "./test/setup/totals-reporter.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: { name, root: `packages/${name}`, include: ["src/**/*.test.ts", "test/**/*.test.ts"] },
      })),
      { extends: true as const, test: { name: "repo", root: ".", include: ["test/**/*.test.ts"] } },
    ],
  },
});
