import { createRoute, z } from "@hono/zod-openapi";
import { getModel, modelSubmissionsPage } from "../../../db";
import { DomainError } from "../../errors";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { ModelId } from "../models";
import { nextCursor, pageQuery } from "../pages";
import type { ParamsOf, ResponseOf } from "../types";
import { metaJson, SubmissionMeta } from "./schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/models/{id}/submissions",
  tags: ["submissions"],
  summary: "A model's submissions, newest first (cursor pagination)",
  request: { params: z.object({ id: ModelId }), query: pageQuery(100, 1000) },
  responses: {
    200: {
      description: "Submissions",
      content: {
        "application/json": {
          schema: z.object({
            submissions: z.array(SubmissionMeta),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    ...errorResponses(400, 404),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = ResponseOf<typeof route, 200>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const db = c.get("services").db;
    const model = await getModel(db, c.req.valid("param").id);
    if (!model) throw new DomainError("not_found", "No such model");
    const { limit, cursor } = c.req.valid("query");
    const rows = await modelSubmissionsPage(db, model.id, { cursor, limit: limit + 1 });
    const page = rows.slice(0, limit);
    return c.json(
      {
        submissions: page.map(metaJson),
        nextCursor: nextCursor(rows, limit, (s) => s.id),
      },
      200,
    );
  });
}
