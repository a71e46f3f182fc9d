import { createRoute, z } from "@hono/zod-openapi";
import { listRounds } from "../../../db";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { positiveInt } from "../pages";
import { json, type ResponseOf } from "../types";
import { RoundSchema, roundJson } from "./schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/rounds",
  tags: ["rounds"],
  summary: "Rounds, newest first",
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: positiveInt().optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of rounds",
      content: json(z.object({ rounds: z.array(RoundSchema), nextCursor: z.string().nullable() })),
    },
    ...errorResponses(400),
  },
});

export type Response = ResponseOf<typeof route, 200>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const rows = await listRounds(c.get("services").db, { before: cursor, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? String(page[page.length - 1]!.number) : null;
    return c.json({ rounds: page.map(roundJson), nextCursor }, 200);
  });
}
