import { createRoute, z } from "@hono/zod-openapi";
import { accountKeys } from "../../../db";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import type { OkResponseOf, ParamsOf } from "../types";
import { KeyInfo } from "./schemas";

export const route = createRoute({
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

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
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
}
