import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

// The testing README's first test is first-test.test.ts beside this file, verbatim, so the test
// it shows is one that runs (it runs here, as a user's would).

it("the testing README opens with first-test.test.ts, verbatim", () => {
  const readme = readFileSync(new URL("../../../testing/README.md", import.meta.url), "utf8");
  const code = readFileSync(new URL("first-test.test.ts", import.meta.url), "utf8").trim();
  const firstBlock = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(firstBlock).toBe(`// first-test.test.ts\n${code}\n`);
});
