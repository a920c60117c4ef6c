// Headers that carry credentials: registry auth (base64 JSON with a password or token) and any
// Authorization a proxy may need. For callers that log requests; errors never keep headers at all.
const SECRET_HEADERS = new Set([
  "x-registry-auth",
  "x-registry-config",
  "authorization",
  "proxy-authorization",
]);

/** A copy of `headers` safe to log: secret values replaced by `<redacted>`. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? "<redacted>" : value;
  }
  return out;
}
