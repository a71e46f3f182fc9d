import { createRoute, z } from "@hono/zod-openapi";
import { mustGetRound } from "../../domain/rounds";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { RoundParam } from "../pages";
import type { ParamsOf } from "../types";

export const route = createRoute({
  method: "get",
  path: "/v1/rounds/{number}/live",
  tags: ["rounds"],
  summary: "The round's live file (CSV); its SHA-256 is in the X-Content-SHA256 header",
  request: { params: RoundParam },
  responses: {
    200: { description: "CSV", content: { "text/csv": { schema: z.string() } } },
    ...errorResponses(404),
  },
});

export type Params = ParamsOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const round = await mustGetRound(c.get("services"), c.req.valid("param").number);
    return c.body(round.liveCsv, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "X-Content-SHA256": round.liveSha256,
      "Content-Disposition": `attachment; filename="round-${round.number}-live.csv"`,
    });
  });
}
