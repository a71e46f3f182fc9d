import { createRoute, z } from "@hono/zod-openapi";
import { getRound, roundDailyScoresPage, roundScoresPage } from "../../../db";
import { MAX_DAY } from "../../domain/daily-scores";
import { DomainError } from "../../errors";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { ModelId } from "../models";
import { pageQuery, RoundParam } from "../pages";
import { RoundStatusSchema } from "../rounds";
import type { OkResponseOf, ParamsOf } from "../types";
import { badCursor, ScoreSchema } from "./schemas";
import { dailyScoreJson, scoreJson, scorePage, scorePageFields } from "./score-json";

export const route = createRoute({
  method: "get",
  path: "/v1/rounds/{number}/scores",
  tags: ["scores"],
  summary:
    "Every model's scores and payout in a round, by model id (cursor pagination); with ?day=D, that day's daily scores",
  request: {
    params: RoundParam,
    query: pageQuery(1000, 1000).extend({
      day: z.coerce.number().int().min(1).max(MAX_DAY).optional().openapi({
        description:
          'a day of provisional targets: answers its daily scores (payout is the projected payout; nothing is settled from them) and adds "day"',
      }),
    }),
  },
  responses: {
    200: {
      description: "Scores",
      content: {
        "application/json": {
          schema: z.object({
            round: z.number(),
            status: RoundStatusSchema,
            day: z.number().optional().openapi({ description: "present with ?day=D" }),
            ...scorePageFields(ScoreSchema.extend({ day: z.number().optional() })),
          }),
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
    const n = c.req.valid("param").number;
    const { limit, cursor, day } = c.req.valid("query");
    if (cursor !== undefined && !ModelId.safeParse(cursor).success) throw badCursor();
    const round = await getRound(db, n);
    if (!round) throw new DomainError("not_found", `No round ${n}`);
    if (day !== undefined) {
      const daily = await roundDailyScoresPage(db, n, day, { cursor, limit: limit + 1 });
      return c.json(
        {
          round: n,
          status: round.status,
          day,
          ...scorePage(daily, limit, dailyScoreJson, (s) => s.modelId),
        },
        200,
      );
    }
    const rows = await roundScoresPage(db, n, { cursor, limit: limit + 1 });
    return c.json(
      {
        round: n,
        status: round.status,
        ...scorePage(rows, limit, scoreJson, (s) => s.modelId),
      },
      200,
    );
  });
}
