import { createRoute } from "@hono/zod-openapi";
import { closeRound } from "../../domain/rounds";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import { RoundParam } from "../pages";
import { json, type ParamsOf, type ResponseOf } from "../types";
import { RoundSchema, roundJson } from "./schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/rounds/{number}/close",
  tags: ["rounds"],
  summary: "Close a round now (operator)",
  security: [{ bearer: [] }],
  request: { params: RoundParam },
  responses: {
    200: { description: "Closed", content: json(RoundSchema) },
    ...errorResponses(401, 403, 404, 409),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = ResponseOf<typeof route, 200>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    requireAuth(c, "operator");
    const round = await closeRound(c.get("services"), { round: c.req.valid("param").number });
    return c.json(roundJson(round), 200);
  });
}
