import type { RouteConfig, z } from "@hono/zod-openapi";
import { createApp } from "../../api/app";
import { createAccount } from "../../api/domain/accounts";
import { parseApiConfig } from "../../api/env";
import type { ErrorCode } from "../../api/errors";
import type { App } from "../../api/hono-app";
import { jsonLogger } from "../../api/logger";
import type { OkResponseOf, ResponseOf } from "../../api/routes/types";
import type { DbHandle } from "../../db";

/** The app over a test database, plus an operator key and a request helper. */
export async function testApi(h: DbHandle, env: Record<string, string> = {}) {
  const app = createApp({
    db: h.db,
    config: parseApiConfig({ LOG_LEVEL: "silent", ...env }),
    logger: jsonLogger("silent"),
  });
  const operator = await createAccount(
    { db: h.db },
    { name: "operator", scopes: ["read", "submit", "operator"] },
  );
  const request = (path: string, init: RequestInit) => app.request(path, init);
  /**
   * A raw request, for the hostile cases no route describes (malformed paths, odd methods, bad
   * query strings) and for answers outside the OpenAPI document: `data` is `unknown`, so a test
   * narrows it before reading a field; `error` is the error envelope's `error` when one came back.
   */
  const call = (method: string, path: string, init: Init = {}) =>
    rawRequest(request, method, path, init);
  /**
   * One endpoint called by its route (api/routes/<group>/<endpoint>.ts): the path from the
   * route's template and `params`, and `data` typed as the route's success JSON (the parsed body
   * whatever the status; check it with toHaveStatus, which prints the body when it fails).
   * `error` is the error envelope's `error` when the answer is one.
   */
  const send = <R extends RouteConfig>(route: R, init: SendInit<R> = {}) =>
    routeRequest(request, route, init);
  /** The served OpenAPI document (GET /openapi.json), typed as the document the app builds. */
  const openapi = async () => {
    const res = await call("GET", "/openapi.json");
    return { ...res, data: res.data as OpenApiDocument };
  };
  return { app, operatorKey: operator.secret, call, send, openapi };
}

/** The OpenAPI 3.1 document the app serves at /openapi.json. */
export type OpenApiDocument = ReturnType<App["getOpenAPI31Document"]>;

type Components = NonNullable<NonNullable<OpenApiDocument["components"]>["schemas"]>;
type SchemaOrRef = Components[string];
/** A schema of the document that is not a `$ref`. */
export type OpenApiSchema = Exclude<SchemaOrRef, { $ref: string }>;
type Operation = NonNullable<NonNullable<OpenApiDocument["paths"]>[string]["get"]>;
type ParameterOrRef = NonNullable<Operation["parameters"]>[number];

/**
 * The component schema `name` of the document, then down the `properties` named in `path`;
 * undefined where one is missing or is a `$ref`.
 */
export function schemaAt(
  doc: OpenApiDocument,
  name: string,
  ...path: string[]
): OpenApiSchema | undefined {
  let at: SchemaOrRef | undefined = doc.components?.schemas?.[name];
  for (const key of path) at = at && !("$ref" in at) ? at.properties?.[key] : undefined;
  return at && !("$ref" in at) ? at : undefined;
}

/** The parameters (not `$ref`s) of one operation of the document. */
export function parametersOf(
  doc: OpenApiDocument,
  path: string,
  method: "get" | "post" | "delete",
): Exclude<ParameterOrRef, { $ref: string }>[] {
  const params = doc.paths?.[path]?.[method]?.parameters ?? [];
  return params.filter((p): p is Exclude<ParameterOrRef, { $ref: string }> => !("$ref" in p));
}

/** The `details.issues` of a validation_failed answer; empty for any other answer. */
export function issuesOf(res: { error?: ErrorEnvelope["error"] }): Issue[] {
  const details = res.error?.details;
  if (typeof details !== "object" || details === null || !("issues" in details)) return [];
  return Array.isArray(details.issues) ? (details.issues as Issue[]) : [];
}

/** One field a request got wrong, as validation_failed lists them. */
export interface Issue {
  path: string;
  message: string;
}

/** The error envelope every failure answers with. */
export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; details?: unknown; requestId?: string };
}

/** What a raw request sends: a bearer key, a JSON body or a raw body, extra headers. */
export interface Init {
  key?: string;
  json?: unknown;
  body?: RequestInit["body"];
  headers?: Record<string, string>;
}

/** The fields of a route's zod request part (`params` or `query`), each sent as a string. */
type FieldsOf<R extends RouteConfig, Part extends "params" | "query"> = R["request"] extends {
  [P in Part]: infer Z;
}
  ? Z extends z.ZodType
    ? { [K in keyof z.input<Z>]?: string | number }
    : never
  : never;

/** What `send` takes for a route: its path parameters and query by name, then as `Init`. */
export interface SendInit<R extends RouteConfig> extends Init {
  params?: FieldsOf<R, "params">;
  query?: FieldsOf<R, "query">;
}

/** What a raw request answers: the parsed body (JSON, else text) is `unknown` until narrowed. */
export interface Raw {
  status: number;
  data: unknown;
  error: ErrorEnvelope["error"] | undefined;
  headers: Headers;
}

/**
 * A route's success answer: its JSON, a string for a CSV, else `unknown` (a 204, or a schema
 * declared as `z.any()`, which would otherwise let a test read any field unchecked).
 */
export type OkData<R extends RouteConfig> = 0 extends 1 & OkResponseOf<R>
  ? unknown
  : [OkResponseOf<R>] extends [never]
    ? R["responses"][Extract<keyof R["responses"], 200 | 201 | 202>] extends {
        content: { "text/csv": unknown };
      }
      ? string
      : unknown
    : OkResponseOf<R>;

/** What `send` returns for a route (the route too, so `dataAt` knows the answer's types). */
export interface Sent<R extends RouteConfig> {
  route: R;
  status: number;
  data: OkData<R>;
  error: ErrorEnvelope["error"] | undefined;
  headers: Headers;
}

type Requester = (path: string, init: RequestInit) => Response | Promise<Response>;

async function rawRequest(
  request: Requester,
  method: string,
  path: string,
  init: Init & { type?: string },
): Promise<Raw> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  if (init.type) headers["content-type"] = init.type;
  let body = init.body;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  }
  const res = await request(path, { method, headers, body });
  const text = await res.text();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = text;
  }
  const error = res.status >= 400 ? envelopeError(data) : undefined;
  return { status: res.status, data, error, headers: res.headers };
}

function envelopeError(data: unknown): ErrorEnvelope["error"] | undefined {
  if (typeof data !== "object" || data === null || !("error" in data)) return undefined;
  return (data as ErrorEnvelope).error;
}

/** The path of a route's template with its parameters filled in, plus the query string. */
export function routePath<R extends RouteConfig>(route: R, init: SendInit<R> = {}): string {
  const params: Record<string, string | number | undefined> = init.params ?? {};
  let path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`${route.path} needs the parameter ${name}`);
    return encodeURIComponent(String(v));
  });
  const query: Record<string, string | number | undefined> = init.query ?? {};
  const q = Object.entries(query).flatMap(([k, v]): [string, string][] =>
    v === undefined ? [] : [[k, String(v)]],
  );
  if (q.length > 0) path += `?${new URLSearchParams(q)}`;
  return path;
}

async function routeRequest<R extends RouteConfig>(
  request: Requester,
  route: R,
  init: SendInit<R>,
): Promise<Sent<R>> {
  const res = await rawRequest(request, route.method.toUpperCase(), routePath(route, init), init);
  return { route, ...res, data: res.data as OkData<R> };
}

/**
 * An answer typed by `schema`, for a route that declares its response schema without the
 * schema's type (the webhooks' routes: their stored names are plain strings to the database),
 * so a test still reads fields TypeScript checks. Like `send`, typed as the success whatever the
 * status.
 */
export function typedBy<S extends z.ZodType>(
  res: Raw,
  _schema: S,
): Omit<Raw, "data"> & { data: z.infer<S> } {
  return { ...res, data: res.data as z.infer<S> };
}

/**
 * The body of an answer whose route has more than one success (200 or 202, say) as the JSON of
 * `status`; throws, showing the body, when the answer has another status.
 */
export function dataAt<R extends RouteConfig, S extends keyof R["responses"] & number>(
  res: Sent<R>,
  status: S,
): ResponseOf<R, S> {
  if (res.status !== status) {
    throw new Error(`expected status ${status}, got ${res.status}: ${JSON.stringify(res.data)}`);
  }
  return res.data as ResponseOf<R, S>;
}

export function liveForm(csv: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.set("live", new File([csv], "live.csv", { type: "text/csv" }));
  form.set("closesAt", fields.closesAt ?? new Date(Date.now() + 3_600_000).toISOString());
  form.set("resolvesAt", fields.resolvesAt ?? new Date(Date.now() + 7_200_000).toISOString());
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

export function targetsForm(csv: string): FormData {
  const form = new FormData();
  form.set("targets", new File([csv], "targets.csv", { type: "text/csv" }));
  return form;
}

/**
 * The same request helpers over real HTTP, for servers a test starts in another process (npm
 * start, npm run api, wrangler dev): `httpSend` by route like `send`, `httpCall` raw like `call`
 * (`type` sets the content type of `body`).
 */
export function httpSend<R extends RouteConfig>(
  base: string,
  route: R,
  init: SendInit<R> = {},
): Promise<Sent<R>> {
  return routeRequest((path, req) => fetch(base + path, req), route, init);
}

/** The OpenAPI document a server in another process serves, typed as `openapi()`'s. */
export async function httpOpenapi(base: string) {
  const res = await httpCall(base, "GET", "/openapi.json");
  return { ...res, data: res.data as OpenApiDocument };
}

export function httpCall(
  base: string,
  method: string,
  path: string,
  init: Init & { type?: string } = {},
): Promise<Raw> {
  return rawRequest((p, req) => fetch(base + p, req), method, path, init);
}
