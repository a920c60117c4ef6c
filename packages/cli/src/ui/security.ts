import { randomBytes, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";

// Who may talk to the UI server. It listens on 127.0.0.1 only, but that still lets in every local
// user and every web page the browser has open:
// - the token (a random path segment the printed URL carries) keeps out other local users;
// - the Host header must name this server, so a DNS-rebinding page (evil.example resolving to
//   127.0.0.1) is refused even though its requests land here;
// - an Origin header, when sent, must be this server's, and writes must send one (browsers always
//   do on fetch POSTs), so no other page can make the browser act through it.

/** A fresh token: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The host:port names this server answers to. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const READS = new Set(["GET", "HEAD"]);

/** Refuses (403, one plain line) any request without the token, or from another host or origin. */
export function guard(token: string, port: () => number): MiddlewareHandler {
  return async (c, next) => {
    const hosts = allowedHosts(port());
    const host = c.req.header("host") ?? "";
    if (!hosts.has(host))
      return c.text("refused: this server answers only to 127.0.0.1 and localhost\n", 403);
    const origin = c.req.header("origin");
    if (origin !== undefined && !(origin.startsWith("http://") && hosts.has(origin.slice("http://".length))))
      return c.text("refused: requests from other sites are not allowed\n", 403);
    if (origin === undefined && !READS.has(c.req.method))
      return c.text("refused: a change must come from the page itself\n", 403);
    const first = new URL(c.req.url).pathname.split("/")[1] ?? "";
    if (!sameToken(first, token)) return c.text("refused: open the address flotilla ui printed\n", 403);
    await next();
    // The token is in every address: no Referer carries it away, no cache keeps a page.
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cache-Control", "no-store");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("X-Frame-Options", "DENY");
    c.header(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
  };
}
