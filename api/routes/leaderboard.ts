import { createRoute, z } from "@hono/zod-openapi";
import { leaderboard } from "../../db";
import type { App } from "../app";
import { errorResponses } from "../errors";

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
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
  responses: {
    200: {
      description: "Leaderboard",
      content: { "application/json": { schema: z.object({ models: z.array(Row) }) } },
    },
    ...errorResponses(400),
  },
});

export function register(app: App) {
  app.openapi(route, async (c) => {
    const rows = await leaderboard(c.get("services").db, 52, c.req.valid("query").limit);
    return c.json({ models: rows.map((r, i) => ({ rank: i + 1, ...r })) }, 200);
  });
}
