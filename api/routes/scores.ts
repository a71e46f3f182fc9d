import { createRoute, z } from "@hono/zod-openapi";
import {
  type DailyScore,
  getModel,
  getRound,
  modelScoresPage,
  roundDailyScoresPage,
  roundScoresPage,
  type Score,
} from "../../db";
import { MAX_DAY } from "../domain/daily-scores";
import { DomainError } from "../errors";
import type { App } from "../hono-app";
import { errorResponses } from "../http/errors";
import { ModelId } from "./models";
import { nextCursor, pageQuery, positiveInt, RoundParam } from "./pages";
import { RoundStatusSchema } from "./rounds";

const ScoreSchema = z
  .object({
    round: z.number(),
    modelId: z.string(),
    corr: z.number(),
    mmc: z.number().nullable(),
    fnc: z.number().nullable(),
    maxFeatureExposure: z.number().nullable().openapi({
      description: "largest |Pearson(predictions, feature)| over the round's live features",
    }),
    maxFeature: z.string().nullable(),
    stakeAtRisk: z.string().openapi({ description: "token wei" }),
    payout: z.string().openapi({ description: "token wei; negative = burnt" }),
    settleTx: z.string().nullable(),
  })
  .openapi("Score");

export { ScoreSchema };

const dailyScoreJson = (s: DailyScore) => ({
  round: s.round,
  day: s.day,
  modelId: s.modelId,
  corr: s.corr,
  mmc: s.mmc,
  fnc: s.fnc,
  maxFeatureExposure: null, // daily scores keep CORR, MMC and FNC only
  maxFeature: null,
  stakeAtRisk: s.stakeAtRisk,
  payout: s.projectedPayout,
  settleTx: null,
});

const scoreJson = (s: Score) => ({
  round: s.round,
  modelId: s.modelId,
  corr: s.corr,
  mmc: s.mmc,
  fnc: s.fnc,
  maxFeatureExposure: s.maxFeatureExposure,
  maxFeature: s.maxFeature,
  stakeAtRisk: s.stakeAtRisk,
  payout: s.payout,
  settleTx: s.settleTx,
});

export const byRound = createRoute({
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
            scores: z.array(ScoreSchema.extend({ day: z.number().optional() })),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    ...errorResponses(400, 404),
  },
});

export const byModel = createRoute({
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
          schema: z.object({
            modelId: z.string(),
            scores: z.array(ScoreSchema),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    ...errorResponses(400, 404),
  },
});

const badCursor = () => new DomainError("validation_failed", "Invalid cursor");

export function register(app: App) {
  app.openapi(byRound, async (c) => {
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
          scores: daily.slice(0, limit).map(dailyScoreJson),
          nextCursor: nextCursor(daily, limit, (s) => s.modelId),
        },
        200,
      );
    }
    const rows = await roundScoresPage(db, n, { cursor, limit: limit + 1 });
    return c.json(
      {
        round: n,
        status: round.status,
        scores: rows.slice(0, limit).map(scoreJson),
        nextCursor: nextCursor(rows, limit, (s) => s.modelId),
      },
      200,
    );
  });
  app.openapi(byModel, async (c) => {
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
      {
        modelId: model.id,
        scores: rows.slice(0, limit).map(scoreJson),
        nextCursor: nextCursor(rows, limit, (s) => String(s.round)),
      },
      200,
    );
  });
}
