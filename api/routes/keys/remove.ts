import { createRoute, z } from "@hono/zod-openapi";
import { revokeKey } from "../../domain/accounts";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import type { OkResponseOf, ParamsOf } from "../types";
import { caller } from "./schemas";

export const route = createRoute({
  method: "delete",
  path: "/v1/keys/{id}",
  tags: ["accounts"],
  summary:
    "Revoke one of the calling account's keys (needs 'submit'; never a key with scopes the caller lacks)",
  security: [{ bearer: [] }],
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: { 204: { description: "Revoked" }, ...errorResponses(400, 401, 403, 404, 429) },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const auth = requireAuth(c, "submit");
    await revokeKey(c.get("services"), caller(auth), { id: c.req.valid("param").id });
    return c.body(null, 204);
  });
}
