import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { parseCsvFrame } from "../../formats";
import { type JobViews, NEXT_BLOCK } from "../../formats/csv-shared";
import { CSV_SPLIT_MIN_BYTES, CsvSplit } from "../../formats/csv-split";
import { Scorer, type Series, type SubmissionScores } from "../../scoring";
import { repoRoot, rng } from "../scoring/helpers";

const dir = mkdtempSync(path.join(tmpdir(), "tourney-csv-split-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A predictions CSV: `rows` shuffled ids, `models` columns of rounded values (ties). */
function predictionsCsv(rows: number, models: number, edit?: (cells: string[][]) => void) {
  const r = rng(rows + models);
  const ids = Array.from({ length: rows }, (_, i) => `id${(i * 7919) % rows}`);
  const cells = ids.map((id) => [
    id,
    ...Array.from({ length: models }, () => String(Math.round(r() * 1000) / 1000)),
  ]);
  edit?.(cells);
  const header = ["id", ...Array.from({ length: models }, (_, j) => `model_${j}`)];
  return { ids, text: `${[header, ...cells].map((c) => c.join(",")).join("\n")}\n` };
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function inputs(ids: readonly string[]): { targets: Series; metaModel: Series } {
  const r = rng(99);
  const sorted = [...ids].sort();
  return {
    targets: { ids: sorted, values: Float64Array.from(sorted, () => Math.floor(r() * 5) / 4) },
    metaModel: { ids: sorted, values: Float64Array.from(sorted, r) },
  };
}

/** Scores or the error message, column by column, as one thread gives them. */
async function oneThread(text: string, file = "CSV") {
  try {
    const frame = await parseCsvFrame(text, file);
    const scorer = new Scorer({ ids: frame.ids, ...inputs(frame.ids) });
    const out: Record<string, SubmissionScores> = {};
    for (const [name, c] of Object.entries(frame.columns)) {
      out[name] = scorer.score(c, `model column "${name}"`);
    }
    return { frame, out };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

async function twoThreads(file: string, rank = true) {
  const split = CsvSplit.start();
  // Loaded before the file is: the helper surely takes part (in the CLI it usually loads later).
  expect(await split.ready).toBe(true);
  try {
    await split.load(file, { rank });
    const frame = split.frame();
    const scorer = new Scorer({ ids: frame.ids, ...inputs(frame.ids) });
    return { frame, out: split.score(frame, scorer) };
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    split.stop();
  }
}

describe("CsvSplit (two threads) gives exactly the one-thread results", () => {
  it("parses and scores a file in many chunks identically", async () => {
    const { text } = predictionsCsv(3000, 60); // ~0.6 MB: about 10 row chunks
    const want = await oneThread(text);
    const got = await twoThreads(write("ok.csv", text));
    expect(got.frame!.ids).toEqual(want.frame!.ids);
    for (const [name, c] of Object.entries(want.frame!.columns)) {
      expect(Array.from(got.frame!.columns[name]!)).toEqual(Array.from(c));
    }
    expect(got.out).toEqual(want.out); // toEqual on numbers is Object.is: bit for bit
    const noRank = await twoThreads(write("ok-norank.csv", text), false);
    expect(noRank.out).toEqual(want.out);
  });

  it("reports the first error of the file, as one thread does", async () => {
    const cases: Record<string, (cells: string[][]) => void> = {
      "ragged row late": (cells) => cells[2500]!.pop(),
      "ragged rows early and late": (cells) => {
        cells[2900]!.push("1");
        cells[40]!.pop();
      },
      "non-finite value": (cells) => {
        cells[1700]![5] = "NaN";
        cells[2800]![3] = "";
      },
      "constant column": (cells) => {
        for (const row of cells) row[7] = "0.5";
      },
    };
    for (const [name, edit] of Object.entries(cases)) {
      const { text } = predictionsCsv(3000, 30, edit);
      const file = write(`${name}.csv`, text);
      const want = await oneThread(text, file);
      expect(want.error, name).toBeDefined();
      const got = await twoThreads(file);
      expect(got.error, name).toBe(want.error);
    }
  });

  it("does the work of a helper that died holding a claim", async () => {
    const { text } = predictionsCsv(2000, 20);
    const file = write("lost-helper.csv", text);
    const want = await oneThread(text, file);
    const split = CsvSplit.start();
    // Internals, to stage the failure: the helper dies, having claimed the first block of columns.
    const internals = split as unknown as { worker: Worker; views: JobViews };
    await internals.worker.terminate();
    try {
      await split.load(file);
      const frame = split.frame();
      Atomics.add(internals.views.control, NEXT_BLOCK, 1);
      const scorer = new Scorer({ ids: frame.ids, ...inputs(frame.ids) });
      expect(split.score(frame, scorer)).toEqual(want.out);
    } finally {
      split.stop();
    }
  }, 20_000);

  it("reads quoted files and files without a final newline", async () => {
    const { text } = predictionsCsv(500, 5);
    const quoted = text.replace(/^id,/, '"id",');
    expect((await twoThreads(write("quoted.csv", quoted))).out).toEqual(
      (await oneThread(quoted)).out,
    );
    const open = text.slice(0, -1);
    expect((await twoThreads(write("open.csv", open))).out).toEqual((await oneThread(open)).out);
  });
});

describe("tourney score on a big predictions CSV", () => {
  it("prints the same JSON with its helper thread as on one thread", async () => {
    const models = Math.ceil(CSV_SPLIT_MIN_BYTES / 5000 / 6) + 10;
    const { ids, text } = predictionsCsv(5000, models);
    expect(text.length).toBeGreaterThan(CSV_SPLIT_MIN_BYTES);
    const { targets, metaModel } = inputs(ids);
    const csv = (s: Series, col: string) =>
      `id,${col}\n${s.ids.map((id, i) => `${id},${s.values[i]}`).join("\n")}\n`;
    const args = [
      path.join(repoRoot, "bin", "tourney.mjs"),
      "score",
      "--predictions",
      write("big.csv", text),
      "--targets",
      write("targets.csv", csv(targets, "target")),
      "--meta-model",
      write("meta.csv", csv(metaModel, "prediction")),
      "--json",
    ];
    const run = promisify(execFile);
    const opts = { cwd: repoRoot, maxBuffer: 1 << 26 };
    const split = await run(process.execPath, args, opts);
    const single = await run(process.execPath, [...args, "--threads", "1"], opts);
    expect(split.stderr).toBe("");
    expect(split.stdout).toBe(single.stdout);
    expect(Object.keys(JSON.parse(split.stdout).models)).toHaveLength(models);
  }, 60_000);
});
