import { createRoute, z } from "@hono/zod-openapi";
import { modelDailyView } from "../../domain/daily-scores";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { ModelId } from "../models";
import { positiveInt } from "../pages";
import type { OkResponseOf, ParamsOf } from "../types";
import { json, ModelDailyScores } from "./schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/models/{id}/scores/daily",
  tags: ["scores"],
  summary: "A model's daily scores in a round, by day (default: its newest round with some)",
  request: {
    params: z.object({ id: ModelId }),
    query: z.object({ round: positiveInt().optional() }),
  },
  responses: {
    200: { description: "Daily scores", content: json(ModelDailyScores) },
    ...errorResponses(400, 404),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const { round } = c.req.valid("query");
    return c.json(await modelDailyView(c.get("services").db, id, round), 200);
  });
}
