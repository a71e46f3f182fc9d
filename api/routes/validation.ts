import { createRoute, z } from "@hono/zod-openapi";
import { currentValidationSet, type ValidationSet } from "../../db";
import { uploadValidationSet } from "../domain/validation";
import { DomainError } from "../errors";
import type { App } from "../hono-app";
import { readFormFile } from "../http/body";
import { errorResponses } from "../http/errors";
import { requireAuth } from "../middleware/auth";
import { formHook } from "./forms";

const ValidationSetView = z
  .object({
    id: z.string().openapi({ description: "val_..." }),
    sha256: z.string().openapi({ description: "SHA-256 of the file as uploaded" }),
    format: z.enum(["csv", "parquet"]),
    rows: z.number().int(),
    eras: z.number().int(),
    features: z.number().int().openapi({ description: "feature columns (FNC and exposure)" }),
    hasMetaModel: z.boolean().openapi({ description: "a meta_model column: diagnostics add MMC" }),
    status: z.enum(["preparing", "ready", "failed"]).openapi({
      description: "`preparing` until the worker has built every era's neutralization basis",
    }),
    error: z.string().nullable(),
    createdAt: z.string(),
    preparedAt: z.string().nullable(),
  })
  .openapi("ValidationSet");

const view = (s: ValidationSet): z.infer<typeof ValidationSetView> => ({
  id: s.id,
  sha256: s.sha256,
  format: s.format,
  rows: s.rows,
  eras: s.eras,
  features: s.features.length,
  hasMetaModel: s.hasMetaModel,
  status: s.status,
  error: s.error,
  createdAt: s.createdAt.toISOString(),
  preparedAt: s.preparedAt?.toISOString() ?? null,
});

const json = (schema: z.ZodType) => ({ "application/json": { schema } });

export const post = createRoute({
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

export const get = createRoute({
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

export function register(app: App) {
  app.openapi(
    post,
    async (c) => {
      requireAuth(c, "operator");
      const { bytes } = await readFormFile(c, "validation");
      const set = await uploadValidationSet(c.get("services"), { file: bytes });
      return c.json(view(set), 202);
    },
    formHook,
  );

  app.openapi(get, async (c) => {
    requireAuth(c, "read");
    const set = await currentValidationSet(c.get("services").db);
    if (!set) throw new DomainError("no_validation_set", "No validation set has been uploaded yet");
    return c.json(view(set), 200);
  });
}
