import { createRoute, z } from "@hono/zod-openapi";
import { createApiKey, revokeApiKey } from "../../db";
import type { App } from "../app";
import { ApiError, errorResponses } from "../errors";
import { requireAuth } from "../middleware/auth";

const Scope = z.enum(["read", "submit", "operator"]);
const Body = z
  .object({ scopes: z.array(Scope).min(1).default(["read", "submit"]) })
  .openapi("NewKey");
const Created = z.object({ id: z.string(), apiKey: z.string(), scopes: z.array(Scope) });

export const createKey = createRoute({
  method: "post",
  path: "/v1/keys",
  tags: ["accounts"],
  summary: "Create another API key for the calling account",
  security: [{ bearer: [] }],
  request: { body: { content: { "application/json": { schema: Body } }, required: true } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: Created } } },
    ...errorResponses(400, 401, 403),
  },
});

export const deleteKey = createRoute({
  method: "delete",
  path: "/v1/keys/{id}",
  tags: ["accounts"],
  summary: "Revoke one of the calling account's keys",
  security: [{ bearer: [] }],
  request: { params: z.object({ id: z.string() }) },
  responses: { 204: { description: "Revoked" }, ...errorResponses(401, 404) },
});

export function register(app: App) {
  app.openapi(createKey, async (c) => {
    const auth = requireAuth(c, "read");
    const { scopes } = c.req.valid("json");
    // A key can only hand out scopes it has itself.
    const extra = scopes.filter((s) => !auth.scopes.includes(s));
    if (extra.length > 0)
      throw new ApiError("forbidden", "A key cannot grant scopes it lacks", { extra });
    const { key, secret } = await createApiKey(c.get("services").db, auth.account.id, scopes);
    return c.json({ id: key.id, apiKey: secret, scopes: key.scopes }, 201);
  });
  app.openapi(deleteKey, async (c) => {
    const auth = requireAuth(c, "read");
    const ok = await revokeApiKey(c.get("services").db, auth.account.id, c.req.valid("param").id);
    if (!ok) throw new ApiError("not_found", "No such active key on this account");
    return c.body(null, 204);
  });
}
