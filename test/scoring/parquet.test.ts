import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { readFrame, readTable } from "../../formats";
import { validationDiagnostics } from "../../scoring";
import { loadCase, referenceDir, repoRoot } from "./helpers";
import { writeParquet } from "./parquet-writer";

const dir = mkdtempSync(path.join(tmpdir(), "tourney-parquet-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Parquet input", () => {
  it("reads ids and numeric columns like the CSV reader", async () => {
    const csv = await readFrame(path.join(referenceDir, "small_ties", "predictions.csv"));
    const file = path.join(dir, "p.parquet");
    writeFileSync(file, writeParquet(csv.ids, csv.columns as Record<string, Float64Array>));
    const pq = await readFrame(file);
    expect(pq.ids).toEqual(csv.ids);
    expect(Object.keys(pq.columns)).toEqual(Object.keys(csv.columns));
    for (const [k, v] of Object.entries(csv.columns)) expect(pq.columns[k]).toEqual(v);
  });

  it("validation files with a string era column work as Parquet too", async () => {
    const csvTable = await readTable(path.join(referenceDir, "eras", "validation.csv"));
    const file = path.join(dir, "validation.parquet");
    writeFileSync(
      file,
      writeParquet((csvTable.array("id") as unknown[]).map(String), {
        era: (csvTable.array("era") as unknown[]).map(String),
        prediction: Float64Array.from(csvTable.array("prediction") as ArrayLike<number>),
        target: Float64Array.from(csvTable.array("target") as ArrayLike<number>),
      }),
    );
    expect(validationDiagnostics(await readTable(file))).toEqual(validationDiagnostics(csvTable));
  });

  it("tourney score accepts Parquet files and gives the CSV answer", async () => {
    const c = await loadCase("tiny");
    const files = {
      predictions: writeParquet(
        c.predictions.ids,
        c.predictions.columns as Record<string, Float64Array>,
      ),
      targets: writeParquet(c.targets.ids, { target: c.targets.values }),
      meta: writeParquet(c.metaModel.ids, { prediction: c.metaModel.values }),
    };
    for (const [k, b] of Object.entries(files)) writeFileSync(path.join(dir, `${k}.parquet`), b);
    const run = promisify(execFile);
    const args = (p: string, t: string, m: string) => [
      path.join(repoRoot, "bin", "tourney.mjs"),
      "score",
      "--predictions",
      p,
      "--targets",
      t,
      "--meta-model",
      m,
      "--json",
    ];
    const fromParquet = await run(
      process.execPath,
      args(
        path.join(dir, "predictions.parquet"),
        path.join(dir, "targets.parquet"),
        path.join(dir, "meta.parquet"),
      ),
    );
    const tiny = path.join(referenceDir, "tiny");
    const fromCsv = await run(
      process.execPath,
      args(
        path.join(tiny, "predictions.csv"),
        path.join(tiny, "targets.csv"),
        path.join(tiny, "meta_model.csv"),
      ),
    );
    expect(JSON.parse(fromParquet.stdout)).toEqual(JSON.parse(fromCsv.stdout));
  });
});
