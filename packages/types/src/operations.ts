import type { paths } from "./generated/openapi.js";

// Route-keyed views of the generated `paths`, so one string ("POST /services/create") names an
// operation and everything about it is inferred from spec/: path and query parameters, headers,
// request body and response body.

type Method = "get" | "head" | "post" | "put" | "delete" | "patch";
type Defined<T> = [T] extends [never] ? false : [T] extends [undefined] ? false : true;

type RoutesOf<P extends keyof paths> = {
  [M in Method & keyof paths[P]]: Defined<paths[P][M]> extends true ? `${Uppercase<M>} ${P & string}` : never;
}[Method & keyof paths[P]];

/** Every operation spec/ describes, as `"METHOD /path"`. */
export type Route = { [P in keyof paths]: RoutesOf<P> }[keyof paths];

type MethodOf<R extends Route> = R extends `${infer M} ${string}` ? Lowercase<M> & Method : never;
type PathOf<R extends Route> = R extends `${string} ${infer P}` ? P & keyof paths : never;

/** The generated operation object behind a route. */
export type Operation<R extends Route> = NonNullable<paths[PathOf<R>][MethodOf<R> & keyof paths[PathOf<R>]]>;

type ParametersOf<R extends Route> = Operation<R> extends { parameters: infer P } ? P : never;

export type PathParams<R extends Route> = ParametersOf<R> extends { path?: infer P } ? NonNullable<P> : never;
export type QueryParams<R extends Route> =
  ParametersOf<R> extends { query?: infer Q } ? NonNullable<Q> : never;
export type RequestHeaders<R extends Route> =
  ParametersOf<R> extends { header?: infer H } ? NonNullable<H> : never;

/** The JSON body a route takes, or `never` when it takes none. */
export type RequestBody<R extends Route> =
  Operation<R> extends { requestBody?: infer B }
    ? NonNullable<B> extends { content: { "application/json": infer J } }
      ? J
      : never
    : never;

type SuccessStatus = 200 | 201 | 204;
type ResponsesOf<R extends Route> = Operation<R> extends { responses: infer S } ? S : never;

/** What a route answers on success: its JSON body, a string for text, `undefined` for no body. */
export type ResponseBody<R extends Route> = {
  [S in SuccessStatus & keyof ResponsesOf<R>]: ResponsesOf<R>[S] extends { content: infer C }
    ? C extends { "application/json": infer J }
      ? J
      : C extends { "text/plain": infer T }
        ? T
        : unknown
    : undefined;
}[SuccessStatus & keyof ResponsesOf<R>];
