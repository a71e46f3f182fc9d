/**
 * Scoring benchmark (not a test): `npx tsx bench/scoring.ts [--submissions N] [--rows N]`.
 *
 * 1. Per-submission cost of CORR + MMC on one thread (warm).
 * 2. A full round: N submissions x rows (default 10,000 x 5,000), meta model + CORR + MMC +
 *    payouts, on every core (worker_threads), with peak RSS. Predictions are generated straight
 *    into SharedArrayBuffers, as a worker would hold them, so threads read them in place.
 * 3. `tourney score` as a whole process on a generated 5,000-row x 500-model CSV (CORR + MMC),
 *    compiled as `npx tourney` runs it; by default (a helper thread) and with --threads 1.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { roundMetaModel, Scorer, scoreRound, WAD } from "../scoring";
import { ScoringPool, scoreRoundParallel } from "../scoring/parallel";

const { values: opts } = parseArgs({
  options: {
    submissions: { type: "string", default: "10000" },
    rows: { type: "string", default: "5000" },
    "cli-models": { type: "string", default: "500" },
  },
});
const SUBS = Number(opts.submissions);
const ROWS = Number(opts.rows);
const CLI_MODELS = Number(opts["cli-models"]);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** mulberry32: fast, deterministic. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;

// ---- data -------------------------------------------------------------------------------
const r = rng(42);
const liveIds = Array.from(
  { length: ROWS },
  (_, i) => `n${((i * 2654435761) % 2 ** 32).toString(16).padStart(8, "0")}`,
);
const targets = Float64Array.from(liveIds, () => Math.floor(r() * 5) / 4);
const signal = Float64Array.from(targets, (t) => t - 0.5);

/** Submission k: a little signal plus noise, 4 decimals (ties happen), into `out`. */
function fillSubmission(out: Float64Array, k: number) {
  const g = rng(1000 + k);
  const w = -0.03 + (k % 7) * 0.02; // some models anti-correlated: payouts and burns
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.round((0.5 + w * signal[i]! + 0.3 * (g() - 0.5)) * 1e4) / 1e4;
  }
}

// ---- 1. per submission ------------------------------------------------------------------
{
  const meta = new Float64Array(ROWS);
  fillSubmission(meta, 999_999);
  const scorer = new Scorer({
    ids: liveIds,
    targets: { ids: liveIds, values: targets },
    metaModel: { ids: liveIds, values: meta },
  });
  const cols = Array.from({ length: 300 }, (_, k) => {
    const c = new Float64Array(ROWS);
    fillSubmission(c, k);
    return c;
  });
  for (const c of cols.slice(0, 100)) scorer.score(c); // warm-up
  const t0 = performance.now();
  for (const c of cols) scorer.score(c);
  const per = (performance.now() - t0) / cols.length;
  console.log(`per submission (CORR + MMC, ${ROWS} rows, 1 thread): ${per.toFixed(3)} ms`);
}

// ---- 2. full round ----------------------------------------------------------------------
{
  const tGen = performance.now();
  const perBuffer = 1000; // submissions per SharedArrayBuffer (40 MB at 5,000 rows)
  const submissions = [];
  for (let start = 0; start < SUBS; start += perBuffer) {
    const count = Math.min(perBuffer, SUBS - start);
    const sab = new SharedArrayBuffer(count * ROWS * 8);
    for (let j = 0; j < count; j++) {
      const k = start + j;
      const view = new Float64Array(sab, j * ROWS * 8, ROWS);
      fillSubmission(view, k);
      const stake = k % 3 === 0 ? 0n : BigInt(1 + (k % 97)) * 100n * WAD;
      submissions.push({
        modelId: `model-${k}`,
        ids: liveIds,
        predictions: view,
        stakeAtRisk: stake,
      });
    }
  }
  const genMs = performance.now() - tGen;
  const input = { liveIds, targets: { ids: liveIds, values: targets }, submissions };
  const threads = availableParallelism();
  const pool = ScoringPool.start(threads);
  // Warm the workers (load + JIT) on a small round, as a long-running scoring worker would be.
  await scoreRoundParallel({ ...input, submissions: submissions.slice(0, 200) }, pool);

  const t0 = performance.now();
  const result = await scoreRoundParallel(input, pool);
  const ms = performance.now() - t0;

  const t1 = performance.now();
  const meta = roundMetaModel(
    liveIds,
    submissions.map((s) => s.predictions),
    submissions.map((s) => s.stakeAtRisk),
  );
  const metaMs = performance.now() - t1;

  // The threads give the single-thread scoreRound's numbers (checked on a slice).
  const slice = { ...input, submissions: submissions.slice(0, 50) };
  const single = scoreRound(slice);
  const parallel = await scoreRoundParallel(slice, pool);
  for (const [id, s] of single) {
    if (s.corr !== parallel.get(id)!.corr || s.payout !== parallel.get(id)!.payout) {
      throw new Error(`thread results differ for ${id}`);
    }
  }
  await pool.close();
  const paid = [...result.values()].reduce((a, s) => a + (s.payout > 0n ? s.payout : 0n), 0n);
  const burnt = [...result.values()].reduce((a, s) => a + (s.payout < 0n ? -s.payout : 0n), 0n);
  console.log(
    `full round: ${SUBS} submissions x ${ROWS} rows, meta model + CORR + MMC + payouts, ` +
      `${threads} threads: ${(ms / 1000).toFixed(2)} s ` +
      `(meta model alone ${metaMs.toFixed(0)} ms; data generation ${(genMs / 1000).toFixed(1)} s, not counted)`,
  );
  console.log(
    `  ${result.size} models scored; paid ${paid / WAD} tokens, burnt ${burnt / WAD} tokens; ` +
      `meta model mean ${(meta.values.reduce((a, b) => a + b, 0) / ROWS).toFixed(4)}`,
  );
  console.log(`  peak RSS so far: ${mb(peakRss())} (predictions alone: ${mb(SUBS * ROWS * 8)})`);
}

// ---- 3. tourney score as a process --------------------------------------------------------
{
  // What `npx tourney` runs: the compiled CLI (bin/tourney.mjs prefers dist/cli), built afresh.
  execFileSync(process.execPath, [path.join(repoRoot, "cli", "build.mjs")], { cwd: repoRoot });
  const dir = mkdtempSync(path.join(tmpdir(), "tourney-bench-"));
  try {
    const g = rng(7);
    const models = Array.from({ length: CLI_MODELS }, (_, j) => `model_${j}`);
    const lines = [`id,${models.join(",")}`];
    const col = new Float64Array(ROWS);
    const cols = models.map((_, j) => {
      fillSubmission(col, 50_000 + j);
      return Array.from(col, (v) => Math.round(v * 1000) / 1000);
    });
    const order = liveIds.map((_, i) => i).sort(() => g() - 0.5);
    for (const i of order) lines.push(`${liveIds[i]},${cols.map((c) => c[i]).join(",")}`);
    writeFileSync(path.join(dir, "predictions.csv"), `${lines.join("\n")}\n`);
    writeFileSync(
      path.join(dir, "targets.csv"),
      `id,target\n${liveIds.map((id, i) => `${id},${targets[i]}`).join("\n")}\n`,
    );
    writeFileSync(
      path.join(dir, "meta_model.csv"),
      `id,prediction\n${liveIds.map((id) => `${id},${g()}`).join("\n")}\n`,
    );
    const args = [
      path.join(repoRoot, "bin", "tourney.mjs"),
      "score",
      "--predictions",
      path.join(dir, "predictions.csv"),
      "--targets",
      path.join(dir, "targets.csv"),
      "--meta-model",
      path.join(dir, "meta_model.csv"),
      "--json",
    ];
    // Default (a helper thread for a CSV this big) and --threads 1, interleaved.
    const times: number[] = [];
    const oneThread: number[] = [];
    for (let i = 0; i < 5; i++) {
      for (const [extra, into] of [
        [[], times],
        [["--threads", "1"], oneThread],
      ] as const) {
        const t0 = performance.now();
        execFileSync(process.execPath, [...args, ...extra], { maxBuffer: 1 << 26 });
        into.push(performance.now() - t0);
      }
    }
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    times.sort((a, b) => a - b);
    oneThread.sort((a, b) => a - b);
    console.log(
      `tourney score (${ROWS} rows x ${CLI_MODELS} models CSV, CORR + MMC, whole process): ` +
        `median ${s(times[2]!)}, best ${s(times[0]!)} of 5 ` +
        `(--threads 1: median ${s(oneThread[2]!)}; goal 0.56 s, a tenth of numerai-tools' ~5.6 s)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
