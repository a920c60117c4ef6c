// Kept in step with package.json by `pnpm version-packages` and checked by a test (errors.test.ts),
// so start-up reads no file to print it.
export const VERSION = "0.1.0";
