import { createRoute, z } from "@hono/zod-openapi";
import { resolveRound } from "../../domain/rounds";
import type { App } from "../../hono-app";
import { readFormFile } from "../../http/body";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import { openapiForm } from "../forms";
import { RoundParam } from "../pages";
import { json, type ParamsOf, type ResponseOf } from "../types";

export const route = createRoute({
  method: "post",
  path: "/v1/rounds/{number}/resolve",
  tags: ["rounds"],
  summary: "Publish a closed round's targets; scoring and settlement follow (operator)",
  security: [{ bearer: [] }],
  request: {
    params: RoundParam,
    body: {
      content: {
        "multipart/form-data": {
          schema: z.object({ targets: z.any().openapi({ type: "string", format: "binary" }) }),
        },
      },
    },
  },
  responses: {
    202: {
      description: "Accepted: scoring queued",
      content: json(
        z.object({ number: z.number(), status: z.string(), targetsSha256: z.string() }),
      ),
    },
    ...errorResponses(401, 403, 404, 409, 413, 415, 422),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = ResponseOf<typeof route, 202>;

export function register(app: App) {
  openapiForm(app, route, async (c) => {
    requireAuth(c, "operator");
    const resolved = await resolveRound(c.get("services"), {
      round: c.req.valid("param").number,
      targets: async () => (await readFormFile(c, "targets")).bytes,
    });
    return c.json(resolved, 202);
  });
}
