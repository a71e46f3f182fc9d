import { createRoute, z } from "@hono/zod-openapi";
import { liveFile } from "../../domain/live-file";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { RoundParam } from "../pages";
import type { ParamsOf } from "../types";

export const route = createRoute({
  method: "get",
  path: "/v1/rounds/{number}/live",
  tags: ["rounds"],
  summary: "The round's live file (CSV); its SHA-256 is in the X-Content-SHA256 header",
  description:
    "The ETag is the file's SHA-256 in quotes: send it back in If-None-Match and an unchanged file answers 304 with no body.",
  request: { params: RoundParam },
  responses: {
    200: { description: "CSV", content: { "text/csv": { schema: z.string() } } },
    304: { description: "Not modified: the file is the one named by If-None-Match" },
    ...errorResponses(404),
  },
});

export type Params = ParamsOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const { round, bytes } = await liveFile(c.get("services"), c.req.valid("param").number);
    const etag = `"${round.liveSha256}"`;
    const headers = { ETag: etag, "X-Content-SHA256": round.liveSha256 };
    const match = c.req.header("if-none-match");
    if (match?.split(",").some((t) => t.trim().replace(/^W\//, "") === etag || t.trim() === "*"))
      return c.body(null, 304, headers);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      ...headers,
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="round-${round.number}-live.csv"`,
    });
  });
}
