import { createRoute, z } from "@hono/zod-openapi";
import { accountKeys } from "../../db";
import type { AuthInfo } from "../context";
import { type Caller, createKey as createAccountKey, revokeKey } from "../domain/accounts";
import type { App } from "../hono-app";
import { errorResponses } from "../http/errors";
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
  summary: "Create another API key for the calling account (needs 'submit'; only scopes it has)",
  security: [{ bearer: [] }],
  request: { body: { content: { "application/json": { schema: Body } }, required: true } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: Created } } },
    ...errorResponses(400, 401, 403, 429),
  },
});

const KeyInfo = z
  .object({
    id: z.string(),
    prefix: z.string().openapi({ description: "first characters of the key, to recognise it" }),
    scopes: z.array(Scope),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiKeyInfo");

export const listKeys = createRoute({
  method: "get",
  path: "/v1/keys",
  tags: ["accounts"],
  summary: "The calling account's keys, newest first (never their secrets)",
  security: [{ bearer: [] }],
  responses: {
    200: {
      description: "Keys",
      content: { "application/json": { schema: z.object({ keys: z.array(KeyInfo) }) } },
    },
    ...errorResponses(401, 403),
  },
});

export const deleteKey = createRoute({
  method: "delete",
  path: "/v1/keys/{id}",
  tags: ["accounts"],
  summary:
    "Revoke one of the calling account's keys (needs 'submit'; never a key with scopes the caller lacks)",
  security: [{ bearer: [] }],
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: { 204: { description: "Revoked" }, ...errorResponses(400, 401, 403, 404, 429) },
});

const caller = (auth: AuthInfo): Caller => ({ accountId: auth.account.id, scopes: auth.scopes });

export function register(app: App) {
  app.openapi(createKey, async (c) => {
    // Key management is a write: a read-only key cannot mint keys (nor revoke them).
    const auth = requireAuth(c, "submit");
    const { scopes } = c.req.valid("json");
    // A key can only hand out scopes it has itself.
    const { key, secret } = await createAccountKey(c.get("services"), caller(auth), { scopes });
    return c.json({ id: key.id, apiKey: secret, scopes: key.scopes }, 201);
  });
  app.openapi(listKeys, async (c) => {
    const auth = requireAuth(c, "read");
    const rows = await accountKeys(c.get("services").db, auth.account.id);
    return c.json(
      {
        keys: rows.map((k) => ({
          id: k.id,
          prefix: k.prefix,
          scopes: k.scopes,
          createdAt: k.createdAt.toISOString(),
          revokedAt: k.revokedAt?.toISOString() ?? null,
        })),
      },
      200,
    );
  });
  app.openapi(deleteKey, async (c) => {
    const auth = requireAuth(c, "submit");
    await revokeKey(c.get("services"), caller(auth), { id: c.req.valid("param").id });
    return c.body(null, 204);
  });
}
