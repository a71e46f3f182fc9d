import { createRoute, z } from "@hono/zod-openapi";
import { MAX_DAY, modelDailyView, postDailyTargets } from "../domain/daily-scores";
import { DomainError } from "../errors";
import type { App } from "../hono-app";
import { readFormFile } from "../http/body";
import { errorResponses } from "../http/errors";
import { requireAuth } from "../middleware/auth";
import { formHook } from "./forms";
import { ModelId } from "./models";
import { positiveInt, RoundParam } from "./pages";

const json = (schema: z.ZodType) => ({ "application/json": { schema } });

export const Day = z.coerce.number().int().min(1).max(MAX_DAY);

export const DailyTargetsPosted = z
  .object({
    round: z.number(),
    day: z.number(),
    targetsSha256: z.string(),
    replaced: z
      .boolean()
      .openapi({ description: "an earlier upload of this day existed (kept in the history)" }),
    uploadedAt: z.string(),
  })
  .openapi("DailyTargetsPosted");

export const DailyDay = z
  .object({
    day: z.number(),
    corr: z.number(),
    mmc: z.number().nullable(),
    fnc: z.number().nullable(),
    stakeAtRisk: z.string().openapi({ description: "token wei" }),
    projectedPayout: z
      .string()
      .openapi({ description: "token wei if the round resolved on these targets; not settled" }),
  })
  .openapi("DailyDay");

export const ModelDailyScores = z
  .object({
    modelId: z.string(),
    round: z.number().nullable().openapi({ description: "null: the model has no daily scores" }),
    days: z.array(DailyDay),
  })
  .openapi("ModelDailyScores");

export const postDaily = createRoute({
  method: "post",
  path: "/v1/rounds/{number}/scores/daily",
  tags: ["scores"],
  summary:
    "Post a closed round's provisional targets for a day; the worker stores daily scores (operator)",
  description:
    "Multipart form: `targets` (CSV id,target, validated like final targets) and `day` (1.." +
    `${MAX_DAY}). A later upload for the same day replaces its daily scores; every upload stays in ` +
    "the round's bundle manifest with its SHA-256. Nothing is settled from daily scores.",
  security: [{ bearer: [] }],
  request: {
    params: RoundParam,
    body: {
      content: {
        "multipart/form-data": {
          schema: z.object({
            targets: z.any().openapi({ type: "string", format: "binary" }),
            // Checked by the handler (after the file), so a bad day gets the error envelope.
            day: z
              .any()
              .optional()
              .openapi({ type: "integer", minimum: 1, maximum: MAX_DAY, example: 1 }),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    202: { description: "Accepted: daily scoring queued", content: json(DailyTargetsPosted) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

export const byModelDaily = createRoute({
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

export function register(app: App) {
  app.openapi(
    postDaily,
    async (c) => {
      requireAuth(c, "operator");
      const n = c.req.valid("param").number;
      const { bytes, form } = await readFormFile(c, "targets");
      const day = Day.safeParse(form.day);
      if (!day.success) {
        throw new DomainError("validation_failed", `day must be an integer from 1 to ${MAX_DAY}`, {
          issues: [{ path: "day", message: day.error.issues[0]?.message ?? "invalid" }],
        });
      }
      const posted = await postDailyTargets(c.get("services"), {
        round: n,
        day: day.data,
        targets: bytes,
      });
      return c.json(posted, 202);
    },
    formHook,
  );

  app.openapi(byModelDaily, async (c) => {
    const { id } = c.req.valid("param");
    const { round } = c.req.valid("query");
    return c.json(await modelDailyView(c.get("services").db, id, round), 200);
  });
}
