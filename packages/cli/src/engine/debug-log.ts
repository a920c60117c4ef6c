import { redactHeaders, type TransportWrapper, wrapTransport } from "@flotilla/transport";
import type { OutputStream } from "../io.js";

/** `--debug`: one line per request and per answer on stderr, with credentials redacted. */
export function debugLog(log: OutputStream): TransportWrapper {
  return (transport) =>
    wrapTransport(transport, async (request, inner) => {
      const started = performance.now();
      const query =
        request.query && Object.keys(request.query).length > 0 ? ` ${JSON.stringify(request.query)}` : "";
      const headers = request.headers ? ` headers=${JSON.stringify(redactHeaders(request.headers))}` : "";
      log.write(`> ${request.method} ${request.path}${query}${headers}\n`);
      try {
        const response = await inner.request(request);
        log.write(`< ${response.status} ${request.method} ${request.path} (${elapsed(started)})\n`);
        return response;
      } catch (error) {
        log.write(
          `< failed ${request.method} ${request.path} (${elapsed(started)}): ${(error as Error).message}\n`,
        );
        throw error;
      }
    });
}

function elapsed(since: number): string {
  return `${Math.round(performance.now() - since)} ms`;
}
