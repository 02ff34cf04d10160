// Types derived from the generated schema.d.ts (npm run gen): which paths
// take which method, their parameters, bodies and the `data` of their
// success envelopes.
import type { components, paths } from "./schema";

/** Every schema of the OpenAPI document, by its clean name. */
export type Schemas = components["schemas"];

export type Method = "get" | "post" | "put" | "patch" | "delete";

/** The paths under /api/v1 (the probes /healthz and /readyz are not). */
export type ApiPath = Exclude<keyof paths, "/healthz" | "/readyz">;

type Op<P extends ApiPath, M extends Method> = NonNullable<paths[P][M]>;

/** The paths that take method M. */
export type PathsWith<M extends Method> = {
  [P in ApiPath]: [Op<P, M>] extends [never] ? never : P;
}[ApiPath];

type Responses<O> = O extends { responses: infer R } ? R : never;
type Json<R> = R extends { content: { "application/json": infer J } } ? J : never;
type Success<O> = Json<Responses<O>[Extract<keyof Responses<O>, 200 | 201 | 202>]>;

/** The `data` of the success envelope of method M on path P. */
export type Data<P extends ApiPath, M extends Method> = Success<Op<P, M>> extends { data: infer D } ? D : never;

type Params<O> = O extends { parameters: infer X } ? X : never;

/** The path parameters ({id}) of method M on path P. */
export type PathParams<P extends ApiPath, M extends Method> = Params<Op<P, M>> extends { path: infer X } ? X : never;

/** The query parameters of method M on path P. */
export type Query<P extends ApiPath, M extends Method> = Params<Op<P, M>> extends { query?: infer X } ? X : never;

/** The JSON body of method M on path P. */
export type Body<P extends ApiPath, M extends Method> =
  Op<P, M> extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;

/** What a call takes besides the method and path. */
export interface CallOptions<P extends ApiPath, M extends Method> {
  path?: PathParams<P, M>;
  query?: Query<P, M>;
  body?: Body<P, M>;
  headers?: Record<string, string>;
  /** false: send no Authorization header and never refresh (login, refresh). */
  auth?: boolean;
}
