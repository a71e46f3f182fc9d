import { createRoute, z } from "@hono/zod-openapi";
import { uploadValidationSet } from "../../domain/validation";
import type { App } from "../../hono-app";
import { readFormFile } from "../../http/body";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import { openapiForm } from "../forms";
import type { OkResponseOf, ParamsOf } from "../types";
import { json, ValidationSetView, view } from "./schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/validation",
  tags: ["validation"],
  summary: "Upload the validation set diagnostics run against (operator)",
  description:
    "Multipart form with a file field `validation`: CSV or Parquet with columns `id`, `era`, " +
    "`target`, optionally `meta_model` (the validation meta model: diagnostics then add MMC), and " +
    "numeric feature columns (every other column; FNC neutralizes against all of them). Ids " +
    "unique, every number finite, else 422 `invalid_validation_file`. The answer is 202: the " +
    "worker prepares each era (its neutralization basis, stored) and the set's status turns " +
    "`ready`. The newest set that did not fail is the one new diagnostics use.",
  security: [{ bearer: [] }],
  request: {
    body: {
      content: {
        "multipart/form-data": {
          schema: z.object({ validation: z.any().openapi({ type: "string", format: "binary" }) }),
        },
      },
      required: true,
    },
  },
  responses: {
    202: { description: "Stored; preparation queued", content: json(ValidationSetView) },
    ...errorResponses(400, 401, 403, 413, 415, 422, 429),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  openapiForm(app, route, async (c) => {
    requireAuth(c, "operator");
    const { bytes } = await readFormFile(c, "validation");
    const set = await uploadValidationSet(c.get("services"), { file: bytes });
    return c.json(view(set), 202);
  });
}
