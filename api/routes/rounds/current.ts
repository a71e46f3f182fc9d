import { createRoute } from "@hono/zod-openapi";
import { currentRound } from "../../../db";
import { DomainError } from "../../errors";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { json, type ResponseOf } from "../types";
import { RoundSchema, roundJson } from "./schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/rounds/current",
  tags: ["rounds"],
  summary: "The round open for submissions",
  responses: {
    200: { description: "The round", content: json(RoundSchema) },
    ...errorResponses(404),
  },
});

export type Response = ResponseOf<typeof route, 200>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const round = await currentRound(c.get("services").db);
    if (!round) throw new DomainError("not_found", "No round is open");
    return c.json(roundJson(round), 200);
  });
}
