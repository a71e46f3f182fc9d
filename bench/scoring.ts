/**
 * Scoring benchmark (not a test): `npx tsx bench/scoring.ts [--submissions N] [--rows N]`.
 *
 * 1. Per-submission cost of CORR + MMC on one thread (warm).
 * 2. A full round: N submissions x rows (default 10,000 x 5,000), meta model + CORR + MMC +
 *    payouts, on every core (worker_threads), with peak RSS. Predictions are generated straight
 *    into SharedArrayBuffers, as a worker would hold them, so threads read them in place.
 * 3. `tourney score` as a whole process on a generated 5,000-row x 500-model CSV (CORR + MMC),
 *    compiled as `npx tourney` runs it; by default (a helper thread) and with --threads 1.
 * 4. `tourney score --features` on 5,000 rows x 2,376 integer features (0-4), 20 models, as a
 *    whole process, beside numerai-tools' `feature_neutral_corr` (also a whole process) when a
 *    Python with numerai-tools is found (`$PYTHON`, else python3); FNC must agree to 1e-9. With
 *    bash, each process's CPU time (user + sys, from `times`) is printed too. Ours runs with its
 *    default threads (every core up to 4) and with --threads 1, which must print the same JSON.
 * 5. A full round with FNC: 10,000 submissions x 5,000 rows, CORR + MMC + FNC against 416
 *    features + exposure + payouts on 2 threads, with peak RSS.
 * 6. Diagnostics of one model over 120 validation eras x 5,000 rows x 416 features with the
 *    per-era bases prepared, and the one-time preparation.
 * 7. The same through the stored path, on a fresh Postgres database (TEST_DATABASE_URL, else the
 *    local one): the set stored as the API stores it, the `validation.prepare` job (bases built
 *    and stored), then `diagnostics.run` on stored predictions, cold (bases read back from the
 *    database) and warm (the worker's prepared eras reused); then as after a restart, the
 *    worker's start-up warm-up (eras read back in the background) and the first diagnostics.
 *    `--stored-eras N` (default 120).
 *
 * `--only 1,4` runs some sections (7 needs Postgres; without one it says so and is skipped) (peak RSS is the process's: run 5 alone for its own figure).
 * Generated files go to a temporary folder, removed afterwards.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createAccount } from "../api/domain/accounts";
import { createModel } from "../api/domain/models";
import {
  diagnose,
  type PreparedEra,
  prepareEra,
  roundMetaModel,
  Scorer,
  scoreRound,
  WAD,
} from "../scoring";
import { ScoringPool, scoreRoundParallel } from "../scoring/parallel";

const { values: opts } = parseArgs({
  options: {
    submissions: { type: "string", default: "10000" },
    rows: { type: "string", default: "5000" },
    "cli-models": { type: "string", default: "500" },
    only: { type: "string", default: "1,2,3,4,5,6,7" },
    "stored-eras": { type: "string", default: "120" },
  },
});
const ONLY = new Set(opts.only!.split(",").map((x) => Number(x.trim())));
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

/** What `npx tourney` runs: the compiled CLI (bin/tourney.mjs prefers dist/cli), built afresh. */
let built = false;
function buildCli() {
  if (built) return;
  execFileSync(process.execPath, [path.join(repoRoot, "cli", "build.mjs")], { cwd: repoRoot });
  built = true;
}

let bash: boolean | undefined;
/** Whether bash is here (for `times`); else only wall times are measured. */
function hasBash(): boolean {
  if (bash === undefined) {
    try {
      execFileSync("bash", ["-c", "true"], { stdio: "ignore" });
      bash = true;
    } catch {
      bash = false;
    }
  }
  return bash;
}

/**
 * Runs a process to completion: its wall time, its standard output (through a file in `dir`) and,
 * with bash, its CPU time (user + sys of it and its threads, from `times`; NaN without bash). On a
 * shared machine the CPU time is the steadier figure.
 */
function timedProcess(dir: string, cmd: string, args: string[]) {
  const t0 = performance.now();
  if (!hasBash()) {
    const out = execFileSync(cmd, args, { maxBuffer: 1 << 26, encoding: "utf8" });
    return { ms: performance.now() - t0, out, cpuMs: Number.NaN };
  }
  const outFile = path.join(dir, "timed-out.txt");
  const times = execFileSync(
    "bash",
    ["-c", '"$@" > "$OUT" || exit $?; times', "bench", cmd, ...args],
    {
      env: { ...process.env, OUT: outFile },
      encoding: "utf8",
    },
  );
  const ms = performance.now() - t0;
  // `times`: the shell's user and sys, then its children's.
  const m = times
    .trim()
    .split("\n")[1]
    ?.match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
  const cpuMs = m
    ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000
    : Number.NaN;
  return { ms, out: readFileSync(outFile, "utf8"), cpuMs };
}

/**
 * Integer features 0-4 over `rows`, column-major, as Numerai's: each column a noisy quantized
 * copy of one of 8 latent factors, so that features correlate in groups.
 */
function integerFeatures(rows: number, count: number, seed: number): Float64Array[] {
  const g = rng(seed);
  const latent = Array.from({ length: 8 }, () => Float64Array.from({ length: rows }, () => g()));
  return Array.from({ length: count }, (_, j) =>
    Float64Array.from({ length: rows }, (_, i) =>
      Math.min(4, Math.floor(5 * (0.6 * latent[j % 8]![i]! + 0.4 * g()))),
    ),
  );
}

// ---- 1. per submission ------------------------------------------------------------------
if (ONLY.has(1)) {
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
if (ONLY.has(2)) {
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
if (ONLY.has(3)) {
  buildCli();
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
        into.push(timedProcess(dir, process.execPath, [...args, ...extra]).ms);
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

// ---- 4. tourney score --features at Numerai's width, beside numerai-tools ------------------
if (ONLY.has(4)) {
  buildCli();
  const FEATURES = 2376;
  const MODELS = 20;
  const dir = mkdtempSync(path.join(tmpdir(), "tourney-bench-fnc-"));
  try {
    const feats = integerFeatures(ROWS, FEATURES, 77);
    const lines = [`id,${feats.map((_, j) => `feature_${j}`).join(",")}`];
    for (let i = 0; i < ROWS; i++) {
      let row = liveIds[i]!;
      for (let j = 0; j < FEATURES; j++) row += `,${feats[j]![i]}`;
      lines.push(row);
    }
    writeFileSync(path.join(dir, "features.csv"), `${lines.join("\n")}\n`);
    const col = new Float64Array(ROWS);
    const cols = Array.from({ length: MODELS }, (_, m) => {
      fillSubmission(col, 70_000 + m);
      // Some feature exposure, 3 decimals: ties, as real submissions have.
      return Array.from(col, (v, i) => Math.round((0.8 * v + 0.05 * feats[m]![i]!) * 1000) / 1000);
    });
    writeFileSync(
      path.join(dir, "predictions.csv"),
      `id,${cols.map((_, m) => `model_${m}`).join(",")}\n${liveIds
        .map((id, i) => `${id},${cols.map((c) => c[i]).join(",")}`)
        .join("\n")}\n`,
    );
    writeFileSync(
      path.join(dir, "targets.csv"),
      `id,target\n${liveIds.map((id, i) => `${id},${targets[i]}`).join("\n")}\n`,
    );
    // Our own small driver for numerai-tools (its public API, nothing copied).
    writeFileSync(
      path.join(dir, "numerai_fnc.py"),
      [
        "import json, sys",
        "import pandas as pd",
        "from numerai_tools.scoring import feature_neutral_corr",
        "d = sys.argv[1]",
        'p = pd.read_csv(f"{d}/predictions.csv", index_col="id").sort_index()',
        'f = pd.read_csv(f"{d}/features.csv", index_col="id").loc[p.index]',
        't = pd.read_csv(f"{d}/targets.csv", index_col="id")["target"].loc[p.index]',
        "r = feature_neutral_corr(p, f, t)",
        "print(json.dumps({m: float(r[m]) for m in p.columns}))",
        "",
      ].join("\n"),
    );
    const python = process.env.PYTHON ?? "python3";
    let hasNumeraiTools = false;
    try {
      execFileSync(python, ["-c", "import numerai_tools.scoring"], { stdio: "ignore" });
      hasNumeraiTools = true;
    } catch {
      // not installed: only our time is printed
    }
    const ours = (...extra: string[]) =>
      timedProcess(dir, process.execPath, [
        path.join(repoRoot, "bin", "tourney.mjs"),
        "score",
        "--predictions",
        path.join(dir, "predictions.csv"),
        "--targets",
        path.join(dir, "targets.csv"),
        "--features",
        path.join(dir, "features.csv"),
        "--json",
        ...extra,
      ]);
    const theirs = () => timedProcess(dir, python, [path.join(dir, "numerai_fnc.py"), dir]);
    const runs = 3;
    const mine: number[] = [];
    const numerai: number[] = [];
    let worst = 0;
    const mineCpu: number[] = [];
    const numeraiCpu: number[] = [];
    // Our default (every core up to 4) and one thread, interleaved with numerai-tools; the
    // threads must give exactly the one-thread scores.
    const single: number[] = [];
    const singleCpu: number[] = [];
    for (let k = 0; k < runs; k++) {
      const a = ours();
      mine.push(a.ms);
      mineCpu.push(a.cpuMs);
      const one = ours("--threads", "1");
      single.push(one.ms);
      singleCpu.push(one.cpuMs);
      if (one.out !== a.out) throw new Error("tourney score --features: threads change the scores");
      if (!hasNumeraiTools) continue;
      const b = theirs();
      numerai.push(b.ms);
      numeraiCpu.push(b.cpuMs);
      const x = JSON.parse(a.out).models as Record<string, { fnc: number }>;
      const y = JSON.parse(b.out) as Record<string, number>;
      for (const m of Object.keys(y)) worst = Math.max(worst, Math.abs(x[m]!.fnc - y[m]!));
    }
    const med = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(
      `tourney score --features (${ROWS} rows x ${FEATURES} integer features, ${MODELS} models, ` +
        `CORR + FNC + exposure, whole process): median ${s(med(mine))} of ${runs}` +
        (hasNumeraiTools
          ? `; numerai-tools feature_neutral_corr (whole process): median ${s(med(numerai))}; ` +
            `${(med(numerai) / med(mine)).toFixed(1)}x faster (goal 2x); ` +
            `max |FNC difference| ${worst.toExponential(1)} (goal 1e-9)`
          : " (numerai-tools not found: set PYTHON to a python3 that has it)") +
        (hasBash()
          ? `; CPU (user + sys) median ours ${s(med(mineCpu))}` +
            (hasNumeraiTools
              ? `, numerai-tools ${s(med(numeraiCpu))} (${(med(numeraiCpu) / med(mineCpu)).toFixed(1)}x)`
              : "")
          : "") +
        `; --threads 1 (same scores): median ${s(med(single))}` +
        (hasBash() ? `, CPU ${s(med(singleCpu))}` : "") +
        `; default threads here: ${Math.min(4, availableParallelism())}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- 5. a full round with FNC ------------------------------------------------------------
if (ONLY.has(5)) {
  const FEATURES = 416;
  const feats = integerFeatures(ROWS, FEATURES, 99);
  const features = {
    ids: liveIds,
    columns: Object.fromEntries(feats.map((c, j) => [`feature_${j}`, c])),
  };
  const perBuffer = 1000;
  const submissions = [];
  for (let start = 0; start < SUBS; start += perBuffer) {
    const count = Math.min(perBuffer, SUBS - start);
    const sab = new SharedArrayBuffer(count * ROWS * 8);
    for (let j = 0; j < count; j++) {
      const k = start + j;
      const view = new Float64Array(sab, j * ROWS * 8, ROWS);
      fillSubmission(view, k);
      submissions.push({
        modelId: `model-${k}`,
        ids: liveIds,
        predictions: view,
        stakeAtRisk: k % 3 === 0 ? 0n : BigInt(1 + (k % 97)) * 100n * WAD,
      });
    }
  }
  const input = { liveIds, targets: { ids: liveIds, values: targets }, submissions, features };
  const pool = ScoringPool.start(2);
  await scoreRoundParallel({ ...input, submissions: submissions.slice(0, 50) }, pool); // warm
  const t0 = performance.now();
  const result = await scoreRoundParallel(input, pool);
  const ms = performance.now() - t0;
  const slice = { ...input, submissions: submissions.slice(0, 20) };
  const single = scoreRound(slice);
  const parallel = await scoreRoundParallel(slice, pool);
  for (const [id, sc] of single) {
    if (sc.fnc !== parallel.get(id)!.fnc || sc.payout !== parallel.get(id)!.payout) {
      throw new Error(`thread results differ for ${id}`);
    }
  }
  await pool.close();
  const withFnc = [...result.values()].filter((x) => x.fnc !== undefined).length;
  console.log(
    `full round with FNC: ${SUBS} submissions x ${ROWS} rows, CORR + MMC + FNC (${FEATURES} ` +
      `features) + exposure + payouts, 2 threads: ${(ms / 1000).toFixed(1)} s (goal 60 s); ` +
      `${withFnc} FNC scores; peak RSS ${mb(peakRss())} (goal 2 GB)`,
  );
}

// ---- 6. diagnostics over prepared validation eras ----------------------------------------
if (ONLY.has(6)) {
  const ERAS = 120;
  const FEATURES = 416;
  const t0 = performance.now();
  let genMs = 0;
  const eras: PreparedEra[] = [];
  const allIds: string[] = [];
  for (let e = 0; e < ERAS; e++) {
    const g0 = performance.now();
    const ids = liveIds.map((id) => `${id}e${e}`);
    const feats = integerFeatures(ROWS, FEATURES, 1000 + e);
    const columns = Object.fromEntries(feats.map((c, j) => [`feature_${j}`, c]));
    const meta = new Float64Array(ROWS);
    fillSubmission(meta, 500_000 + e);
    genMs += performance.now() - g0;
    eras.push(prepareEra({ era: String(e), ids, targets, features: columns, metaModel: meta }));
    allIds.push(...ids);
  }
  const prepMs = performance.now() - t0 - genMs;
  const preds = new Float64Array(allIds.length);
  const one = new Float64Array(ROWS);
  for (let e = 0; e < ERAS; e++) {
    fillSubmission(one, 600_000 + e);
    preds.set(one, e * ROWS);
  }
  const t1 = performance.now();
  const report = diagnose(eras, { ids: allIds, values: preds });
  const ms = performance.now() - t1;
  console.log(
    `diagnostics: one model over ${ERAS} eras x ${ROWS} rows x ${FEATURES} features (CORR, MMC, ` +
      `FNC, exposure per era + summaries), bases prepared: ${(ms / 1000).toFixed(2)} s (goal 5 s); ` +
      `one-time preparation of the ${ERAS} eras: ${(prepMs / 1000).toFixed(1)} s ` +
      `(data generation ${(genMs / 1000).toFixed(1)} s, not counted); FNC mean ` +
      `${report.fnc?.mean.toFixed(4)}; peak RSS ${mb(peakRss())}`,
  );
}

// ---- 7. diagnostics through the stored path (database + jobs) ---------------------------
if (ONLY.has(7)) {
  const { randomBytes } = await import("node:crypto");
  const { default: postgres } = await import("postgres");
  const db = await import("../db");
  const jobs = await import("../workers/jobs/diagnostics");
  const ERAS = Number(opts["stored-eras"]);
  const FEATURES = 416;
  const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const dbName = `tourney_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  const reachable = await admin.unsafe(`create database ${dbName}`).then(
    () => true,
    (e: Error) => {
      console.log(
        `diagnostics through the database: skipped (no Postgres at ${adminUrl}: ${e.message})`,
      );
      return false;
    },
  );
  if (!reachable) {
    await admin.end();
    process.exit(0);
  }
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const h = await db.openDb({ url: url.toString(), max: 4 });
  try {
    const ctx = {
      db: h.db,
      chain: undefined as never,
      logger: { info() {}, warn() {}, error() {} },
      settleBatch: 1,
    };
    const account = await createAccount({ db: h.db }, { name: "bench" });
    const model = await createModel(
      { db: h.db },
      { accountId: account.account.id, name: "bench-model" },
    );
    const names = Array.from({ length: FEATURES }, (_, j) => `feature_${j}`);
    const preds = new Float64Array(ERAS * ROWS);
    const one = new Float64Array(ROWS);
    const t0 = performance.now();
    const eras = [];
    for (let e = 0; e < ERAS; e++) {
      const f = db.encodeFeatures(integerFeatures(ROWS, FEATURES, 1000 + e));
      const meta = new Float64Array(ROWS);
      fillSubmission(meta, 500_000 + e);
      fillSubmission(one, 600_000 + e);
      preds.set(one, e * ROWS);
      eras.push({
        position: e,
        era: String(e),
        ids: liveIds.map((id) => `${id}e${e}`).join("\n"),
        targets: db.encodeFloat64(targets),
        metaModel: db.encodeFloat64(meta),
        featureType: f.type,
        features: f.bytes,
      });
    }
    const genMs = performance.now() - t0;
    const t1 = performance.now();
    const set = await db.createValidationSet(
      h.db,
      { sha256: "bench", format: "csv", rows: ERAS * ROWS, features: names, hasMetaModel: true },
      eras,
    );
    eras.length = 0;
    const storeMs = performance.now() - t1;
    const t2 = performance.now();
    await jobs.prepareValidationJob(ctx, { setId: set.id });
    const prepMs = performance.now() - t2;
    const run = async () => {
      const d = await db.createDiagnostics(h.db, {
        modelId: model.id,
        setId: set.id,
        predictions: db.encodeFloat64(preds),
      });
      const t = performance.now();
      await jobs.diagnosticsJob(ctx, { diagnosticsId: d.id });
      const ms = performance.now() - t;
      const row = await db.getDiagnostics(h.db, d.id);
      if (row?.status !== "done")
        throw new Error(`diagnostics ${row?.status}: ${JSON.stringify(row?.error)}`);
      return { ms, fnc: (row.result as { fnc?: { mean: number } }).fnc?.mean };
    };
    jobs.forgetPreparedEras();
    const cold = await run();
    const warm = await run();
    // A restarted worker: its start-up warm-up reads the eras back, then the first diagnostics.
    jobs.forgetPreparedEras();
    const tw = performance.now();
    const warmed = await jobs.warmPreparedEras(h.db, ctx.logger);
    const warmUpMs = performance.now() - tw;
    if (warmed?.eras !== ERAS) throw new Error(`warm-up read ${warmed?.eras} eras`);
    const restarted = await run();
    console.log(
      `diagnostics through the database and jobs (${ERAS} eras x ${ROWS} rows x ${FEATURES} ` +
        `features, Postgres): storing the set ${(storeMs / 1000).toFixed(1)} s; validation.prepare ` +
        `${(prepMs / 1000).toFixed(1)} s (bases built and stored, one-time); diagnostics.run cold ` +
        `(bases read back) ${(cold.ms / 1000).toFixed(2)} s, warm (prepared eras kept) ` +
        `${(warm.ms / 1000).toFixed(2)} s (goal 5 s); after a restart: start-up warm-up (in the ` +
        `background) ${(warmUpMs / 1000).toFixed(1)} s, then diagnostics.run ` +
        `${(restarted.ms / 1000).toFixed(2)} s; FNC mean ${cold.fnc?.toFixed(4)} = ` +
        `${warm.fnc?.toFixed(4)} = ${restarted.fnc?.toFixed(4)}; data generation ${(genMs / 1000).toFixed(1)} s not counted; ` +
        `peak RSS ${mb(peakRss())}`,
    );
  } finally {
    await h.close();
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}
