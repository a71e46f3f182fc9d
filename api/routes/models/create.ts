import { createRoute } from "@hono/zod-openapi";
import { createModel } from "../../domain/models";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import type { OkResponseOf, ParamsOf } from "../types";
import { Body, ModelSchema, toJson } from "./schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/models",
  tags: ["models"],
  summary: "Create a model",
  security: [{ bearer: [] }],
  request: { body: { content: { "application/json": { schema: Body } }, required: true } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: ModelSchema } } },
    ...errorResponses(400, 401, 403, 409, 429),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const auth = requireAuth(c, "submit");
    const { name } = c.req.valid("json");
    const model = await createModel(c.get("services"), { accountId: auth.account.id, name });
    return c.json(toJson(model), 201);
  });
}
