import { createRoute, z } from "@hono/zod-openapi";
import { accountModels } from "../../../db";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import type { OkResponseOf, ParamsOf } from "../types";
import { ModelSchema, toJson } from "./schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/models",
  tags: ["models"],
  summary: "The calling account's models, by name",
  security: [{ bearer: [] }],
  responses: {
    200: {
      description: "Models",
      content: { "application/json": { schema: z.object({ models: z.array(ModelSchema) }) } },
    },
    ...errorResponses(401, 403),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const auth = requireAuth(c, "read");
    const rows = await accountModels(c.get("services").db, auth.account.id);
    return c.json({ models: rows.map(toJson) }, 200);
  });
}
