import { createRoute } from "@hono/zod-openapi";
import { createKey as createAccountKey } from "../../domain/accounts";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import type { OkResponseOf, ParamsOf } from "../types";
import { Body, Created, caller } from "./schemas";

export const route = createRoute({
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

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    // Key management is a write: a read-only key cannot mint keys (nor revoke them).
    const auth = requireAuth(c, "submit");
    const { scopes } = c.req.valid("json");
    // A key can only hand out scopes it has itself.
    const { key, secret } = await createAccountKey(c.get("services"), caller(auth), { scopes });
    return c.json({ id: key.id, apiKey: secret, scopes: key.scopes }, 201);
  });
}
