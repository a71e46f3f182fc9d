import { createRoute, z } from "@hono/zod-openapi";
import { ScoringError, validationDiagnostics } from "../../scoring";
import { parseCsv, parseNumber } from "../domain/csv";
import { readParquetColumns } from "../domain/parquet";
import { isParquet } from "../domain/predictions";
import { ApiError, errorResponses } from "../errors";
import type { App } from "../hono-app";
import { readBody } from "../http/body";
import { requireOwnedModel } from "../middleware/auth";
import { ModelId } from "./models";

const COLUMNS = ["id", "era", "prediction", "target"] as const;

const Diagnostics = z
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

const Binary = { type: "string" as const, format: "binary" };

export const route = createRoute({
  method: "post",
  path: "/v1/models/{id}/diagnostics",
  tags: ["models"],
  summary: "Validation diagnostics of a model: per-era CORR, mean, std, sharpe, max drawdown",
  description:
    "Body: CSV (or Parquet) with columns `id,era,prediction,target`. The operator's validation " +
    "set is not stored by the API yet, so the caller sends validation rows with their targets; " +
    "nothing is stored. Metrics as SCORING.md (each era scored on its own). Failures of the " +
    "scorer (constant predictions in an era, too few eras...) are 422 `invalid_diagnostics` " +
    "with the scorer's code in `details.scoringCode`.",
  security: [{ bearer: [] }],
  request: {
    params: z.object({ id: ModelId }),
    body: {
      content: {
        "text/csv": { schema: z.string() },
        "application/vnd.apache.parquet": { schema: Binary },
      },
    },
  },
  responses: {
    200: { description: "Diagnostics", content: { "application/json": { schema: Diagnostics } } },
    ...errorResponses(400, 401, 403, 404, 413, 422),
  },
});

const bad = (message: string, details?: unknown) =>
  new ApiError("invalid_diagnostics", message, details);

interface ValidationRows {
  ids: string[];
  eras: string[];
  prediction: Float64Array;
  target: Float64Array;
}

function fromCsv(bytes: Uint8Array): ValidationRows {
  const { header, rows } = parseCsv(bytes, "invalid_diagnostics");
  const at = COLUMNS.map((c) => header.indexOf(c));
  if (at.some((i) => i < 0)) throw bad(`Header must have ${COLUMNS.join(", ")}`, { header });
  const [idCol, eraCol, predCol, targetCol] = at as [number, number, number, number];
  const out: ValidationRows = {
    ids: new Array(rows.length),
    eras: new Array(rows.length),
    prediction: new Float64Array(rows.length),
    target: new Float64Array(rows.length),
  };
  const badRows: { line: number; column: string; value: string }[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    out.ids[i] = row[idCol]!;
    out.eras[i] = row[eraCol]!;
    for (const [col, name, arr] of [
      [predCol, "prediction", out.prediction],
      [targetCol, "target", out.target],
    ] as const) {
      const v = parseNumber(row[col]!);
      if (Number.isNaN(v) && badRows.length < 5)
        badRows.push({ line: i + 2, column: name, value: row[col]! });
      arr[i] = v;
    }
  }
  if (badRows.length > 0) throw bad("Predictions and targets must be numbers", { rows: badRows });
  return out;
}

async function fromParquet(bytes: Uint8Array): Promise<ValidationRows> {
  const t = await readParquetColumns(bytes, "invalid_diagnostics", (names) => {
    if (COLUMNS.some((c) => !names.includes(c))) {
      throw bad(`Columns must include ${COLUMNS.join(", ")}`, { columns: names });
    }
    return [...COLUMNS];
  });
  const [ids, eras, pred, target] = t.columns as [unknown[], unknown[], unknown[], unknown[]];
  const num = (v: unknown) => (typeof v === "number" ? v : Number.NaN);
  return {
    ids: ids.map(String),
    eras: eras.map(String),
    prediction: Float64Array.from(pred, num),
    target: Float64Array.from(target, num),
  };
}

export function register(app: App) {
  app.openapi(route, async (c) => {
    const { model } = await requireOwnedModel(c, c.req.valid("param").id, "submit");
    const bytes = await readBody(c);
    const rows = isParquet(bytes) ? await fromParquet(bytes) : fromCsv(bytes);
    if (rows.ids.length === 0) throw bad("No rows");
    // arquero costs ~0.2 s to import: only this route needs it, so it loads on first use.
    const { table } = await import("arquero");
    const input = table({
      id: rows.ids,
      era: rows.eras,
      prediction: rows.prediction,
      target: rows.target,
    });
    try {
      const d = validationDiagnostics(input);
      return c.json(
        {
          modelId: model.id,
          eras: Object.keys(d.perEra).length,
          rows: rows.ids.length,
          perEra: d.perEra,
          mean: d.mean,
          std: d.std,
          sharpe: d.sharpe,
          maxDrawdown: d.maxDrawdown,
        },
        200,
      );
    } catch (e) {
      if (e instanceof ScoringError) {
        throw bad(e.message, { scoringCode: e.code, ...e.details });
      }
      throw e;
    }
  });
}
