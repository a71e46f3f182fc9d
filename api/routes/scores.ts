import { createRoute, z } from "@hono/zod-openapi";
import { getModel, getRound, modelScores, roundScores, type Score } from "../../db";
import type { App } from "../app";
import { ApiError, errorResponses } from "../errors";
import { ModelId } from "./models";

const ScoreSchema = z
  .object({
    round: z.number(),
    modelId: z.string(),
    corr: z.number(),
    mmc: z.number().nullable(),
    fnc: z.number().nullable(),
    stakeAtRisk: z.string().openapi({ description: "token wei" }),
    payout: z.string().openapi({ description: "token wei; negative = burnt" }),
    settleTx: z.string().nullable(),
  })
  .openapi("Score");

const scoreJson = (s: Score) => ({
  round: s.round,
  modelId: s.modelId,
  corr: s.corr,
  mmc: s.mmc,
  fnc: s.fnc,
  stakeAtRisk: s.stakeAtRisk,
  payout: s.payout,
  settleTx: s.settleTx,
});

export const byRound = createRoute({
  method: "get",
  path: "/v1/rounds/{number}/scores",
  tags: ["scores"],
  summary: "Every model's scores and payout in a round",
  request: { params: z.object({ number: z.coerce.number().int().positive() }) },
  responses: {
    200: {
      description: "Scores",
      content: {
        "application/json": {
          schema: z.object({ round: z.number(), status: z.string(), scores: z.array(ScoreSchema) }),
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
  summary: "A model's scores per round, newest first",
  request: { params: z.object({ id: ModelId }) },
  responses: {
    200: {
      description: "Scores",
      content: {
        "application/json": {
          schema: z.object({ modelId: z.string(), scores: z.array(ScoreSchema) }),
        },
      },
    },
    ...errorResponses(400, 404),
  },
});

export function register(app: App) {
  app.openapi(byRound, async (c) => {
    const db = c.get("services").db;
    const n = c.req.valid("param").number;
    const round = await getRound(db, n);
    if (!round) throw new ApiError("not_found", `No round ${n}`);
    const rows = await roundScores(db, n);
    return c.json({ round: n, status: round.status, scores: rows.map(scoreJson) }, 200);
  });
  app.openapi(byModel, async (c) => {
    const db = c.get("services").db;
    const model = await getModel(db, c.req.valid("param").id);
    if (!model) throw new ApiError("not_found", "No such model");
    return c.json(
      { modelId: model.id, scores: (await modelScores(db, model.id)).map(scoreJson) },
      200,
    );
  });
}
