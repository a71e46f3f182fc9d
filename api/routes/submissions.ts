import { createRoute, z } from "@hono/zod-openapi";
import { desc, eq, inArray } from "drizzle-orm";
import { createSubmission, getModel, modelSubmissions, rounds } from "../../db";
import type { App } from "../app";
import { readBody } from "../domain/body";
import { sha256Hex } from "../domain/hash";
import { liveIdSet } from "../domain/live-cache";
import { canonicalSubmission } from "../domain/submission";
import { ApiError, errorResponses } from "../errors";
import { requireAuth } from "../middleware/auth";
import { ModelId } from "./models";

const Created = z
  .object({
    id: z.string(),
    round: z.number(),
    sha256: z.string().openapi({ description: "SHA-256 of the canonical content" }),
    selected: z.boolean(),
    late: z.boolean(),
    extraIds: z.number().openapi({ description: "rows whose id is not in the round (ignored)" }),
  })
  .openapi("CreatedSubmission");

export const submit = createRoute({
  method: "post",
  path: "/v1/models/{id}/submissions",
  tags: ["submissions"],
  summary: "Submit predictions (CSV id,prediction) for the open round",
  security: [{ bearer: [] }],
  request: {
    params: z.object({ id: ModelId }),
    query: z.object({ round: z.coerce.number().int().positive().optional() }),
    body: { content: { "text/csv": { schema: z.string() } } },
  },
  responses: {
    201: { description: "Stored", content: { "application/json": { schema: Created } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

export const list = createRoute({
  method: "get",
  path: "/v1/models/{id}/submissions",
  tags: ["submissions"],
  summary: "A model's submissions, newest first",
  request: { params: z.object({ id: ModelId }) },
  responses: {
    200: {
      description: "Submissions",
      content: {
        "application/json": {
          schema: z.object({
            submissions: z.array(
              z.object({
                id: z.string(),
                round: z.number(),
                sha256: z.string(),
                selected: z.boolean(),
                late: z.boolean(),
                createdAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    ...errorResponses(404),
  },
});

export function register(app: App) {
  app.openapi(submit, async (c) => {
    const auth = requireAuth(c, "submit");
    const db = c.get("services").db;
    const model = await getModel(db, c.req.valid("param").id);
    if (!model) throw new ApiError("not_found", "No such model");
    if (model.accountId !== auth.account.id) throw new ApiError("forbidden", "Not your model");
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "text/csv") {
      throw new ApiError("unsupported_media_type", "Send predictions as text/csv (id,prediction)");
    }
    const bytes = await readBody(c);
    const wanted = c.req.valid("query").round;
    // The open round, or (for a late submission) the newest closed one still unresolved.
    const candidates = await db
      .select()
      .from(rounds)
      .where(wanted ? eq(rounds.number, wanted) : inArray(rounds.status, ["open", "closed"]))
      .orderBy(desc(rounds.number))
      .limit(2);
    const round = candidates.find((r) => r.status === "open") ?? candidates[0];
    if (!round || !["open", "closed", "resolved", "scored", "settled"].includes(round.status)) {
      throw new ApiError("round_not_open", "No round takes submissions now");
    }
    const now = c.get("services").now?.() ?? new Date();
    const late = round.status !== "open" || now >= round.closesAt;
    const canon = canonicalSubmission(bytes, liveIdSet(round));
    const sub = await createSubmission(db, {
      modelId: model.id,
      round: round.number,
      canonicalCsv: canon.csv,
      sha256: sha256Hex(canon.csv),
      late,
    });
    return c.json(
      {
        id: sub.id,
        round: sub.round,
        sha256: sub.sha256,
        selected: sub.selected,
        late,
        extraIds: canon.extraIds,
      },
      201,
    );
  });

  app.openapi(list, async (c) => {
    const db = c.get("services").db;
    const model = await getModel(db, c.req.valid("param").id);
    if (!model) throw new ApiError("not_found", "No such model");
    const rows = await modelSubmissions(db, model.id);
    return c.json(
      { submissions: rows.map((s) => ({ ...s, createdAt: s.createdAt.toISOString() })) },
      200,
    );
  });
}
