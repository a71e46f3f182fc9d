import { z } from "@hono/zod-openapi";
import type { ValidationSet } from "../../../db";
export const ValidationSetView = z
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

export const view = (s: ValidationSet): z.infer<typeof ValidationSetView> => ({
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

export { json } from "../types";
