import type { StageTimeouts, Transport, TransportResponse } from "@flotilla/transport";
import { VersionError } from "@flotilla/transport";
import {
  compareApiVersions,
  findUnsupportedFields,
  type OperationKey,
  operationVersions,
  type PathParams,
  type QueryParams,
  type RequestBody,
  type RequestBodyName,
  type RequestHeaders,
  type ResponseBody,
  type Route,
  ValidationError,
  validateRequestBody,
} from "@flotilla/types";

// The one call everything else is written on. All per-route knowledge comes from spec/'s types and
// tables: the path, query, headers and body a route takes, what it answers, and since which API
// version each of those exists, so nothing is sent that the engine would misread or drop.

export interface RawOptions<R extends Route> {
  path?: PathParams<R>;
  query?: QueryParams<R>;
  headers?: RequestHeaders<R>;
  body?: RequestBody<R>;
  /**
   * The document `body` was made from (a read-modify-write's read). Version checks then apply
   * only to what differs from it, not to fields the engine filled in and the body sends back.
   */
  basedOn?: RequestBody<R>;
  signal?: AbortSignal;
  timeout?: StageTimeouts;
}

type Required_<R extends Route> = [PathParams<R>] extends [never]
  ? RawOptions<R>
  : RawOptions<R> & { path: PathParams<R> };

/** Options are optional unless the route has path parameters. */
export type RawArgs<R extends Route> = [PathParams<R>] extends [never]
  ? [options?: RawOptions<R>]
  : [options: Required_<R>];

/** What resources and models are built on: the typed call, and the version it is checked against. */
export interface RawApi {
  raw<R extends Route>(route: R, ...args: RawArgs<R>): Promise<ResponseBody<R>>;
  /** The same checks, but the response is handed back unread, for streams (logs, events). */
  rawResponse<R extends Route>(route: R, ...args: RawArgs<R>): Promise<TransportResponse>;
  /** The negotiated (or pinned) API version, negotiating first if needed. */
  apiVersion(): Promise<string>;
}

/** Something that knows its API version: a `VersionedTransport`. */
export interface VersionSource {
  negotiate(): Promise<string>;
  /** Whether the version was pinned by the caller rather than negotiated with the engine. */
  readonly pinned?: boolean;
}

type VersionTable = {
  min: string;
  removed?: string;
  parameters?: Record<string, { min?: string; removed?: string }>;
  body?: string;
};

export function createRawApi(transport: Transport, versions: VersionSource): RawApi {
  async function rawResponse<R extends Route>(
    route: R,
    ...[options]: RawArgs<R>
  ): Promise<TransportResponse> {
    const { method, template } = splitRoute(route);
    const table = (operationVersions as Record<string, VersionTable>)[route as OperationKey];
    const opts = (options ?? {}) as RawOptions<R>;
    // Validation comes before negotiation, so a bad body costs no request at all.
    if (opts.body !== undefined && table?.body) validateRequestBody(table.body as RequestBodyName, opts.body);
    const version = await versions.negotiate();
    if (table) checkVersions(route, table, opts, version, versions.pinned === true);
    return transport.request({
      method,
      path: fillPath(template, opts.path as Record<string, unknown> | undefined),
      query: opts.query as Record<string, string> | undefined,
      headers: opts.headers as Record<string, string> | undefined,
      body: opts.body as object | undefined,
      signal: opts.signal,
      timeout: opts.timeout,
    });
  }

  async function raw<R extends Route>(route: R, ...args: RawArgs<R>): Promise<ResponseBody<R>> {
    const response = await rawResponse(route, ...args);
    return (await readBody(response)) as ResponseBody<R>;
  }

  return { raw, rawResponse, apiVersion: () => versions.negotiate() };
}

async function readBody(response: TransportResponse): Promise<unknown> {
  const type = response.headers["content-type"] ?? "";
  if (type.includes("json")) return response.json();
  const text = await response.text();
  if (text === "") return undefined;
  // Some engines label JSON as text/plain; a body that parses is more useful parsed.
  try {
    return type.includes("text/plain") ? text : JSON.parse(text);
  } catch {
    return text;
  }
}

function splitRoute(route: string): { method: string; template: string } {
  const space = route.indexOf(" ");
  return { method: route.slice(0, space), template: route.slice(space + 1) };
}

function fillPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === "") {
      throw new ValidationError(template, [{ path: `path.${name}`, message: "is required" }]);
    }
    return encodeURIComponent(String(value));
  });
}

/** Who chose the version, for the end of a refusal: a pinned client, or the engine's answer. */
function inUse(version: string, pinned: boolean): string {
  return pinned ? `the client is pinned to API ${version}` : `the engine speaks API ${version}`;
}

function checkVersions(
  route: string,
  table: VersionTable,
  options: RawOptions<Route>,
  version: string,
  pinned: boolean,
): void {
  const refuse = (what: string) => new VersionError(`${what}; ${inUse(version, pinned)}`, version);
  if (compareApiVersions(version, table.min) < 0) throw refuse(`${route} needs API ${table.min}`);
  if (table.removed && compareApiVersions(version, table.removed) >= 0) {
    throw refuse(`${route} was removed in API ${table.removed}`);
  }
  for (const [kind, values] of [
    ["query", options.query],
    ["header", options.headers],
  ] as const) {
    for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      const min = table.parameters?.[`${kind}:${name}`]?.min;
      if (value !== undefined && min && compareApiVersions(version, min) < 0) {
        throw refuse(`${route} ${kind} parameter "${name}" needs API ${min}`);
      }
    }
  }
  if (options.body !== undefined && table.body) {
    const [first, ...rest] = findUnsupportedFields(table.body, options.body, version, options.basedOn);
    if (first) {
      const more = rest.length > 0 ? ` (and ${rest.map((f) => f.path).join(", ")})` : "";
      const field = first.value === undefined ? first.path : `${first.path} "${first.value}"`;
      const needs = first.min ? `needs API ${first.min}` : `was removed in API ${first.removed}`;
      throw refuse(`${route}: ${table.body} field ${field} ${needs}${more}`);
    }
  }
}
