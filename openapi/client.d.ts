// The API's operations as a typed client needs them (the console's console/src/lib/api.ts, the
// CLI's src/cli/client.ts), read off the types generated from the OpenAPI document
// (openapi/mandate.d.ts, `npm run openapi`): which path templates have an operation for a method,
// what path parameters, query and body that operation takes, and what it answers. A call to a path
// the server does not have, with a method it does not take, or with the wrong parameters does not
// compile. Written by hand (a declaration file: types only, nothing of it is emitted).
import type { paths } from './mandate.js';

export type { paths };

/** The methods an operation may have (lower case, as the document writes them). */
export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** The path templates (e.g. `/v1/approvals/{id}/approve`) with an operation for method `M`. */
export type PathsOf<M extends Method> = { [P in keyof paths]: paths[P] extends { [K in M]: unknown } ? P : never }[keyof paths];

/** The operation of method `M` on path template `P`. */
export type OperationOf<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer O } ? O : never;

type ParametersOf<O> = O extends { parameters: infer X } ? X : never;
/** The path parameters by name (never when the template has none). */
export type PathParamsOf<O> = ParametersOf<O> extends { path: infer X } ? X : never;
type RequiredQuery<O> = ParametersOf<O> extends { query: infer X } ? X : never;
type OptionalQuery<O> = ParametersOf<O> extends { query?: infer X } ? Exclude<X, undefined> : never;
/** The query parameters (never when the operation takes none). */
export type QueryOf<O> = [RequiredQuery<O>] extends [never] ? OptionalQuery<O> : RequiredQuery<O>;

type JsonOf<C> = C extends { content: { 'application/json': infer J } } ? J : never;
type RequiredBody<O> = O extends { requestBody: infer R } ? JsonOf<R> : never;
type OptionalBody<O> = O extends { requestBody?: infer R } ? JsonOf<Exclude<R, undefined>> : never;
/** The JSON request body (never when the operation takes none). */
export type BodyOf<O> = [RequiredBody<O>] extends [never] ? OptionalBody<O> : RequiredBody<O>;

/**
 * What a call of operation `O` carries besides its path template: `path` (the template's
 * parameters, filled in and percent-encoded by the client), `query` and `body`, each required when
 * the operation requires it and refused when the operation takes none.
 */
export type RequestOf<O> = ([PathParamsOf<O>] extends [never] ? { path?: never } : { path: PathParamsOf<O> }) &
  ([RequiredQuery<O>] extends [never]
    ? [OptionalQuery<O>] extends [never]
      ? { query?: never }
      : { query?: OptionalQuery<O> }
    : { query: RequiredQuery<O> }) &
  ([RequiredBody<O>] extends [never]
    ? [OptionalBody<O>] extends [never]
      ? { body?: never }
      : { body?: OptionalBody<O> }
    : { body: RequiredBody<O> });

/** The request as a client method's rest arguments: optional when nothing in it is required. */
export type ArgsOf<O> = Record<string, never> extends RequestOf<O> ? [request?: RequestOf<O>] : [request: RequestOf<O>];

type Success = 200 | 201 | 202 | 203 | 206;
/** What operation `O` answers on success: the JSON of its 2xx responses (undefined for a 204). */
export type AnswerOf<O> = O extends { responses: infer R }
  ? { [C in keyof R]: C extends Success ? JsonOf<R[C]> : C extends 204 ? undefined : never }[keyof R]
  : never;

/** A value as a command line gives it: an enumeration's text as any text (the server checks it), deeply. */
export type Loose<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer U)[]
        ? Loose<U>[]
        : T extends object
          ? { [K in keyof T]: Loose<T[K]> }
          : T;

/** A query whose parameters are the operation's, any of their values as text (the server checks them): what a CLI flag gives. */
export type LooseQueryOf<O> = [QueryOf<O>] extends [never]
  ? never
  : { [K in keyof QueryOf<O>]?: string | number | boolean | undefined };

/**
 * `RequestOf<O>` as a command line fills it in: the query's values and the body's enumerations as
 * text (`LooseQueryOf`, `Loose`); the path parameters, the parameters' and the body's fields as the
 * operation has them. With more options of the client's own (`Extra`).
 */
export type LooseRequestOf<O, Extra> = ([PathParamsOf<O>] extends [never] ? { path?: never } : { path: PathParamsOf<O> }) &
  ([QueryOf<O>] extends [never] ? { query?: never } : { query?: LooseQueryOf<O> }) &
  ([RequiredBody<O>] extends [never]
    ? [OptionalBody<O>] extends [never]
      ? { body?: never }
      : { body?: Loose<OptionalBody<O>> }
    : { body: Loose<RequiredBody<O>> }) &
  Extra;

/** `LooseRequestOf` as a client method's rest arguments: optional when nothing in it is required. */
export type LooseArgsOf<O, Extra> = Record<string, never> extends LooseRequestOf<O, Extra>
  ? [request?: LooseRequestOf<O, Extra>]
  : [request: LooseRequestOf<O, Extra>];

/** The items of a list operation's answer (`{ items: T[] }`). */
export type ItemOf<O> = AnswerOf<O> extends { items: (infer T)[] } ? T : never;
