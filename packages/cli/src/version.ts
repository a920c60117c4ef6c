// Kept in step with package.json by a test, so start-up reads no file to print it.
export const VERSION = "0.0.0";
