import { createRoute, z } from "@hono/zod-openapi";
import { createAccount } from "../domain/accounts";
import type { App } from "../hono-app";
import { errorResponses } from "../http/errors";
import { chargeSignup } from "../middleware/rate-limit";

const Body = z.object({ name: z.string().trim().min(1).max(100) }).openapi("NewAccount");
const Created = z
  .object({
    account: z.object({ id: z.string(), name: z.string() }),
    apiKey: z.string().openapi({ description: "Shown once; only its hash is stored" }),
    keyId: z.string(),
  })
  .openapi("CreatedAccount");

export const route = createRoute({
  method: "post",
  path: "/v1/accounts",
  tags: ["accounts"],
  summary: "Create an account and its first API key (scopes read, submit)",
  request: { body: { content: { "application/json": { schema: Body } }, required: true } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: Created } } },
    ...errorResponses(400, 413, 429),
  },
});

export function register(app: App) {
  app.openapi(route, async (c) => {
    const { name } = c.req.valid("json");
    await chargeSignup(c);
    const { account, key, secret } = await createAccount(c.get("services"), { name });
    return c.json(
      { account: { id: account.id, name: account.name }, apiKey: secret, keyId: key.id },
      201,
    );
  });
}
