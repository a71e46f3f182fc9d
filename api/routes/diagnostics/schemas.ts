import { z } from "@hono/zod-openapi";
export const Diagnostics = z
  .object({
    modelId: z.string(),
    eras: z.number().int(),
    rows: z.number().int(),
    perEra: z.record(z.string(), z.number()).openapi({ description: "CORR of each era" }),
    mean: z.number(),
    std: z.number().openapi({ description: "population (ddof 0)" }),
    sharpe: z.number(),
    maxDrawdown: z.number(),
  })
  .openapi("Diagnostics");

export const DiagnosticsQueued = z
  .object({
    id: z.string().openapi({ description: "the diagnostics id (dgn_...) to poll" }),
    modelId: z.string(),
    validationSetId: z.string(),
    status: z.enum(["queued", "running", "done", "failed"]),
    createdAt: z.string(),
  })
  .openapi("DiagnosticsQueued");

export const Summary = z
  .object({
    mean: z.number(),
    std: z.number().openapi({ description: "population (ddof 0)" }),
    sharpe: z.number().nullable().openapi({ description: "mean / std; null when std is 0" }),
    maxDrawdown: z.number(),
  })
  .openapi("DiagnosticsSummary");

export const EraScores = z
  .object({
    era: z.string(),
    rows: z.number().int(),
    corr: z.number(),
    mmc: z.number().optional().openapi({ description: "with a validation meta model" }),
    fnc: z.number().optional().openapi({ description: "with features (absent when undefined)" }),
    maxFeatureExposure: z.number().optional(),
    maxFeature: z.string().optional(),
  })
  .openapi("DiagnosticsEra");

export const Report = z
  .object({
    eras: z.number().int(),
    rows: z.number().int(),
    perEra: z.array(EraScores).openapi({ description: "every era's scores, in era order" }),
    corr: Summary,
    mmc: Summary.optional(),
    fnc: Summary.optional(),
    featureExposure: z
      .object({ mean: z.number(), max: z.number() })
      .optional()
      .openapi({ description: "mean and largest per-era max feature exposure" }),
  })
  .openapi("DiagnosticsReport");

export const StoredDiagnostics = z
  .object({
    id: z.string(),
    modelId: z.string(),
    validationSetId: z.string(),
    status: z.enum(["queued", "running", "done", "failed"]),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    result: Report.nullable().openapi({ description: "when done" }),
    error: z
      .object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
      .nullable()
      .openapi({
        description:
          "when failed: `invalid_diagnostics` (the scorer's code in `details.scoringCode`, e.g. " +
          "constant predictions in an era), `validation_set_failed`, or `job_failed`",
      }),
  })
  .openapi("StoredDiagnostics");

export const Binary = { type: "string" as const, format: "binary" };
export const DiagnosticsId = z.string().regex(/^dgn_[0-9a-f]{32}$/, "a diagnostics id (dgn_...)");
