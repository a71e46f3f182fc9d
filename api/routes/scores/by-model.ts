import { createRoute, z } from "@hono/zod-openapi";
import { getModel, modelScoresPage } from "../../../db";
import { DomainError } from "../../errors";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { ModelId } from "../models";
import { pageQuery, positiveInt } from "../pages";
import type { OkResponseOf, ParamsOf } from "../types";
import { badCursor, ScoreSchema } from "./schemas";
import { scoreJson, scorePage, scorePageFields } from "./score-json";

export const route = createRoute({
  method: "get",
  path: "/v1/models/{id}/scores",
  tags: ["scores"],
  summary: "A model's scores per round, newest first (cursor pagination)",
  request: { params: z.object({ id: ModelId }), query: pageQuery(1000, 1000) },
  responses: {
    200: {
      description: "Scores",
      content: {
        "application/json": {
          schema: z.object({ modelId: z.string(), ...scorePageFields(ScoreSchema) }),
        },
      },
    },
    ...errorResponses(400, 404),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const db = c.get("services").db;
    const { limit, cursor } = c.req.valid("query");
    const before = cursor === undefined ? undefined : positiveInt().safeParse(cursor);
    if (before && !before.success) throw badCursor();
    const model = await getModel(db, c.req.valid("param").id);
    if (!model) throw new DomainError("not_found", "No such model");
    const rows = await modelScoresPage(db, model.id, {
      cursor: before?.data,
      limit: limit + 1,
    });
    return c.json(
      { modelId: model.id, ...scorePage(rows, limit, scoreJson, (s) => String(s.round)) },
      200,
    );
  });
}
