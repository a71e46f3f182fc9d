import { createRoute, z } from "@hono/zod-openapi";
import { getModel } from "../../../db";
import { DomainError } from "../../errors";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import type { OkResponseOf, ParamsOf } from "../types";
import { ModelId, ModelSchema, toJson } from "./schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/models/{id}",
  tags: ["models"],
  summary: "A model",
  request: { params: z.object({ id: ModelId }) },
  responses: {
    200: { description: "The model", content: { "application/json": { schema: ModelSchema } } },
    ...errorResponses(400, 404),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const model = await getModel(c.get("services").db, c.req.valid("param").id);
    if (!model) throw new DomainError("not_found", "No such model");
    return c.json(toJson(model), 200);
  });
}
