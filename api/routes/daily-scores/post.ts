import { createRoute, z } from "@hono/zod-openapi";
import { MAX_DAY, postDailyTargets } from "../../domain/daily-scores";
import { DomainError } from "../../errors";
import type { App } from "../../hono-app";
import { readFormFile } from "../../http/body";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import { openapiForm } from "../forms";
import { RoundParam } from "../pages";
import type { OkResponseOf, ParamsOf } from "../types";
import { DailyTargetsPosted, Day, json } from "./schemas";

export const route = createRoute({
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

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  openapiForm(app, route, async (c) => {
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
  });
}
