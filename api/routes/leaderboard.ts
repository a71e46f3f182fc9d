import { createRoute, z } from "@hono/zod-openapi";
import { leaderboard } from "../../db";
import { DomainError } from "../errors";
import type { App } from "../hono-app";
import { errorResponses } from "../http/errors";
import { pageQuery } from "./pages";

const Row = z
  .object({
    rank: z.number(),
    modelId: z.string(),
    name: z.string(),
    rounds: z.number(),
    reputation: z.number().openapi({ description: "mean round score over the last 52 rounds" }),
    meanCorr: z.number(),
    meanMmc: z.number().nullable(),
  })
  .openapi("LeaderboardRow");

export const route = createRoute({
  method: "get",
  path: "/v1/leaderboard",
  tags: ["scores"],
  summary: "Models by reputation (mean score over their last 52 scored rounds)",
  description:
    "Cursor pagination: the cursor is a position in the ranking, so a page fetched after new " +
    "scores land continues from the same rank, not the same model.",
  request: { query: pageQuery(100, 1000) },
  responses: {
    200: {
      description: "Leaderboard",
      content: {
        "application/json": {
          schema: z.object({ models: z.array(Row), nextCursor: z.string().nullable() }),
        },
      },
    },
    ...errorResponses(400),
  },
});

export function register(app: App) {
  app.openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    if (cursor !== undefined && !/^\d{1,9}$/.test(cursor))
      throw new DomainError("validation_failed", "Invalid cursor");
    const offset = cursor === undefined ? 0 : Number(cursor);
    // The ranking is an aggregate: read through the page (plus one row) and keep the page.
    const rows = await leaderboard(c.get("services").db, 52, offset + limit + 1);
    const page = rows.slice(offset, offset + limit);
    return c.json(
      {
        models: page.map((r, i) => ({ rank: offset + i + 1, ...r })),
        nextCursor: rows.length > offset + limit ? String(offset + limit) : null,
      },
      200,
    );
  });
}
