import type { RouteConfig } from "@hono/zod-openapi";
import { createApp } from "../../api/app";
import { createAccount } from "../../api/domain/accounts";
import { parseApiConfig } from "../../api/env";
import type { ErrorCode } from "../../api/errors";
import { jsonLogger } from "../../api/logger";
import type { OkResponseOf } from "../../api/routes/types";
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
  const call = async (
    method: string,
    path: string,
    init: {
      key?: string;
      json?: unknown;
      body?: RequestInit["body"];
      headers?: Record<string, string>;
    } = {},
  ) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.key) headers.authorization = `Bearer ${init.key}`;
    let body = init.body;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let data: any;
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
    return { status: res.status, data, headers: res.headers };
  };
  /**
   * One endpoint called by its route (api/routes/<group>/<endpoint>.ts): the path from the
   * route's template and `params`, and `data` typed as the route's success JSON (the parsed body
   * whatever the status; check it with toHaveStatus, which prints the body when it fails).
   * `error` is the error envelope's `error` when the answer is one.
   */
  const send = async <R extends RouteConfig>(
    route: R,
    init: {
      params?: Record<string, string | number>;
      query?: Record<string, string | number>;
      key?: string;
      json?: unknown;
      body?: RequestInit["body"];
      headers?: Record<string, string>;
    } = {},
  ): Promise<Sent<R>> => {
    let path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = init.params?.[name];
      if (v === undefined) throw new Error(`${route.path} needs the parameter ${name}`);
      return encodeURIComponent(String(v));
    });
    if (init.query) {
      const q = Object.entries(init.query).map(([k, v]): [string, string] => [k, String(v)]);
      path += `?${new URLSearchParams(q)}`;
    }
    const res = await call(route.method.toUpperCase(), path, init);
    const error = res.status >= 400 ? (res.data as ErrorEnvelope | undefined)?.error : undefined;
    return { status: res.status, data: res.data as OkResponseOf<R>, error, headers: res.headers };
  };
  return { app, operatorKey: operator.secret, call, send };
}

/** The error envelope every failure answers with. */
export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; details?: unknown; requestId?: string };
}

/** What `send` returns for a route. */
export interface Sent<R extends RouteConfig> {
  status: number;
  data: OkResponseOf<R>;
  error: ErrorEnvelope["error"] | undefined;
  headers: Headers;
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
 * The same request helper over real HTTP, for servers a test starts in another process (npm
 * start, npm run api, wrangler dev): JSON in and out, `type` sets the content type of `body`.
 */
export async function httpCall(
  base: string,
  method: string,
  path: string,
  init: { key?: string; json?: unknown; body?: RequestInit["body"]; type?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  if (init.type) headers["content-type"] = init.type;
  let body = init.body;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let data: any;
  try {
    data = JSON.parse(text);
  } catch {
    data = text;
  }
  return { status: res.status, data, headers: res.headers };
}
