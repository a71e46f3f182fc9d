import { createRoute } from "@hono/zod-openapi";
import { mustGetRoundSummary } from "../../domain/rounds";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { RoundParam } from "../pages";
import { json, type ParamsOf, type ResponseOf } from "../types";
import { RoundSchema, roundJson } from "./schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/rounds/{number}",
  tags: ["rounds"],
  summary: "A round",
  request: { params: RoundParam },
  responses: {
    200: { description: "The round", content: json(RoundSchema) },
    ...errorResponses(400, 404),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = ResponseOf<typeof route, 200>;

export function register(app: App) {
  app.openapi(route, async (c) =>
    c.json(
      roundJson(await mustGetRoundSummary(c.get("services"), c.req.valid("param").number)),
      200,
    ),
  );
}
