import { createRoute, z } from "@hono/zod-openapi";
import { submissionMetaById } from "../../../db";
import { DomainError } from "../../errors";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { ModelId } from "../models";
import type { ParamsOf, ResponseOf } from "../types";
import { metaJson, SubmissionId, SubmissionMeta } from "./schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/models/{id}/submissions/{sid}",
  tags: ["submissions"],
  summary: "One submission's metadata",
  request: { params: z.object({ id: ModelId, sid: SubmissionId }) },
  responses: {
    200: {
      description: "The submission",
      content: { "application/json": { schema: SubmissionMeta } },
    },
    ...errorResponses(400, 404),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = ResponseOf<typeof route, 200>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const { id, sid } = c.req.valid("param");
    const sub = await submissionMetaById(c.get("services").db, id.toLowerCase(), sid);
    if (!sub) throw new DomainError("not_found", "No such submission of this model");
    return c.json(metaJson(sub), 200);
  });
}
