import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { CSV_SPLIT_MIN_BYTES, CsvSplit } from "../../formats/csv-split";
import { isParquet, readFrame } from "../../formats/read-table";
import {
  type Frame,
  Scorer,
  ScoringError,
  type Series,
  type SubmissionScores,
} from "../../scoring";
import type { ScoringPool } from "../../scoring/parallel/pool";
import { type Command, parseCommandArgs, required, UsageError } from "../command";
import { fmt, formatTable, progress } from "../ui";

const usage = `Usage: tourney score --predictions FILE --targets FILE [--meta-model FILE] [--features FILE] [--json]

Scores every model column of a predictions file the way Numerai does: CORR always, MMC with a
meta model, FNC and the largest feature exposure with features. Files are CSV or Parquet (by
extension: .parquet/.pq) with an "id" column; rows are matched by id.

Options:
  --predictions FILE   id + one column per model
  --targets FILE       id + "target" (or a single value column)
  --meta-model FILE    id + "prediction" (or a single value column); adds MMC
  --features FILE      id + feature columns; adds FNC, maxFeatureExposure, maxFeature
  --threads N          score on N threads (worth it for thousands of models, or with
                       --features); by default with --features every core up to 4, else a
                       predictions CSV over 8 MB is parsed and ranked on two threads, else one
  --json               print {"models": {"<column>": {"corr", "mmc", "fnc", "maxFeatureExposure", "maxFeature"}}}
  -h, --help           show this help`;

/** The value column of a one-series file: `preferred` if present, else its only column. */
export function seriesOf(frame: Frame, preferred: string, file: string): Series {
  const names = Object.keys(frame.columns);
  const name = names.includes(preferred) ? preferred : names.length === 1 ? names[0] : undefined;
  if (!name) {
    throw new ScoringError(
      "invalid_table",
      `${file}: expected a "${preferred}" column (columns: ${names.join(", ") || "none"})`,
    );
  }
  return { ids: frame.ids, values: frame.columns[name]! };
}

/** Scores each column of `predictions`; `onProgress` is told after each model. */
export function scoreColumns(
  predictions: Frame,
  inputs: { targets: Series; metaModel?: Series; features?: Frame },
  onProgress: (done: number) => void = () => {},
): Record<string, SubmissionScores> {
  const scorer = new Scorer({ ids: predictions.ids, ...inputs });
  const out: Record<string, SubmissionScores> = {};
  const names = Object.keys(predictions.columns);
  names.forEach((name, k) => {
    out[name] = scorer.score(predictions.columns[name]!, `model column "${name}"`);
    onProgress(k + 1);
  });
  return out;
}

export const score: Command = {
  name: "score",
  usage,
  async run(argv) {
    const values = parseCommandArgs(argv, {
      predictions: { type: "string" },
      targets: { type: "string" },
      "meta-model": { type: "string" },
      features: { type: "string" },
      json: { type: "boolean" },
      threads: { type: "string" },
    });
    const predFile = required(values, "predictions");
    const targetFile = required(values, "targets");
    const metaFile = values["meta-model"] as string | undefined;
    const featureFile = values.features as string | undefined;
    const threads =
      values.threads === undefined ? defaultThreads(featureFile) : Number(values.threads);
    if (!Number.isInteger(threads) || threads < 1) {
      throw new UsageError(`--threads must be a positive integer, got ${values.threads}`);
    }
    const pool =
      threads > 1 ? (await import("../../scoring/parallel/pool")).ScoringPool.start(threads) : null;
    // Without --threads, a big predictions CSV gets one helper thread for parsing and ranking,
    // started first so that it loads while the file is read; on several threads, so does a big
    // features CSV (parsing only).
    const split = values.threads === undefined && useCsvSplit(predFile) ? CsvSplit.start() : null;
    const featureSplit = pool && featureFile && useCsvSplit(featureFile) ? CsvSplit.start() : null;
    try {
      return await scoreFiles(values, predFile, targetFile, metaFile, featureFile, pool, {
        predictions: split,
        features: featureSplit,
      });
    } finally {
      split?.stop();
      featureSplit?.stop();
      await pool?.close();
    }
  },
};

/**
 * Threads without --threads. With features, every core up to 4: the basis is built once (a
 * worker takes a share of its Gram matrix, then the feature exposures) and the models' FNC is
 * shared between the threads, with exactly the one-thread scores (bench:scoring section 4 runs
 * both). Without features the scoring pool is opt-in: a worker costs more to start than it
 * saves below ~2,000 models (a big predictions CSV gets a parsing helper instead, see
 * `useCsvSplit`).
 */
function defaultThreads(featureFile: string | undefined): number {
  return featureFile ? Math.min(4, availableParallelism()) : 1;
}

/** A helper thread pays off for a big CSV on a machine with more than one core. */
function useCsvSplit(file: string): boolean {
  if (isParquet(file) || availableParallelism() < 2) return false;
  try {
    return statSync(file).size >= CSV_SPLIT_MIN_BYTES;
  } catch {
    return false; // reading it reports the error
  }
}

async function scoreFiles(
  values: Record<string, unknown>,
  predFile: string,
  targetFile: string,
  metaFile: string | undefined,
  featureFile: string | undefined,
  pool: ScoringPool | null,
  splits: { predictions: CsvSplit | null; features: CsvSplit | null },
): Promise<number> {
  const split = splits.predictions;
  // With a helper thread the predictions are parsed first, the other files meanwhile read in
  // the background: the sooner the predictions are parsed, the longer the helper has to rank
  // their columns while this thread parses the other files and prepares the scorer.
  await split?.load(predFile, { rank: !featureFile });
  const readFeatures = async (file: string, fs: CsvSplit | null) => {
    if (!fs) return readFrame(file);
    await fs.load(file, { rank: false });
    return fs.frame();
  };
  const others = Promise.all([
    readFrame(targetFile),
    metaFile ? readFrame(metaFile) : undefined,
    featureFile ? readFeatures(featureFile, splits.features) : undefined,
  ]);
  others.catch(() => {}); // awaited below, after the predictions
  const predictions = split ? split.frame() : await readFrame(predFile);
  const [targets, meta, features] = await others;
  const models = Object.keys(predictions.columns);
  if (models.length === 0) {
    throw new ScoringError("invalid_table", `${predFile}: no model columns besides "id"`);
  }
  const bar = progress("scoring", models.length > 20 ? models.length : 0);
  const inputs = {
    targets: seriesOf(targets, "target", targetFile),
    metaModel: meta && seriesOf(meta, "prediction", metaFile!),
    features,
  };
  let results: Record<string, SubmissionScores>;
  try {
    if (pool && pool.threads > 1) {
      const cols = models.map((m) => predictions.columns[m]!);
      const scores = await pool.score({ ids: predictions.ids, ...inputs }, cols, {
        onProgress: (done) => bar.tick(done),
      });
      results = Object.fromEntries(models.map((m, k) => [m, scores[k]!]));
    } else if (split) {
      const scorer = new Scorer({ ids: predictions.ids, ...inputs });
      results = split.score(predictions, scorer, (done) => bar.tick(done));
    } else {
      results = scoreColumns(predictions, inputs, (done) => bar.tick(done));
    }
  } finally {
    bar.done();
  }
  if (values.json) {
    const out: Record<string, SubmissionScores> = {};
    for (const [name, s] of Object.entries(results)) {
      // Fixed key order; metrics without their inputs are left out.
      out[name] = {
        corr: s.corr,
        ...(s.mmc !== undefined && { mmc: s.mmc }),
        ...(s.fnc !== undefined && { fnc: s.fnc }),
        ...(s.maxFeatureExposure !== undefined && {
          maxFeatureExposure: s.maxFeatureExposure,
          maxFeature: s.maxFeature,
        }),
      };
    }
    process.stdout.write(`${JSON.stringify({ models: out })}\n`);
    return 0;
  }
  const header = ["model", "corr"];
  if (meta) header.push("mmc");
  if (features) header.push("fnc", "max exposure", "feature");
  const rows = Object.entries(results).map(([name, s]) => {
    const row = [name, fmt(s.corr)];
    if (meta) row.push(fmt(s.mmc));
    if (features) row.push(fmt(s.fnc), fmt(s.maxFeatureExposure), s.maxFeature ?? "-");
    return row;
  });
  process.stdout.write(`${formatTable(header, rows)}\n`);
  return 0;
}
