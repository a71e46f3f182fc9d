import { createRoute } from "@hono/zod-openapi";
import { currentValidationSet } from "../../../db";
import { DomainError } from "../../errors";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import type { OkResponseOf, ParamsOf } from "../types";
import { json, ValidationSetView, view } from "./schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/validation",
  tags: ["validation"],
  summary: "The current validation set (no data): rows, eras, features, meta model, status",
  security: [{ bearer: [] }],
  responses: {
    200: { description: "The current validation set", content: json(ValidationSetView) },
    ...errorResponses(401, 403, 409, 429),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    requireAuth(c, "read");
    const set = await currentValidationSet(c.get("services").db);
    if (!set) throw new DomainError("no_validation_set", "No validation set has been uploaded yet");
    return c.json(view(set), 200);
  });
}
