import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { Scorer } from "../../scoring";
import { alignFeatureMatrix } from "../../scoring/feature-matrix";
import {
  GRAM_ROW_BLOCK,
  type GramHelper,
  type GramJob,
  gram,
  gramI16Columns,
  helpWithGram,
} from "../../scoring/linalg/gram";
import { wasmKernels } from "../../scoring/linalg/wasm-kernels";
import { ScoringPool } from "../../scoring/parallel";
import { repoRoot } from "./helpers";

const run = promisify(execFile);

/** LCG, deterministic. */
function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** n rows of `p` integer features 0-4 in correlated groups, `models` prediction columns. */
function data(n: number, p: number, models: number, seed = 1) {
  const g = rng(seed);
  const ids = Array.from({ length: n }, (_, i) => `id${((i * 7919) % n).toString(36)}_${i}`);
  const latent = Array.from({ length: 4 }, () => Float64Array.from({ length: n }, g));
  const features: Record<string, Float64Array> = {};
  for (let j = 0; j < p; j++) {
    // Duplicates and an all-zero column: the rank-deficient cases the basis handles.
    features[`f${j}`] =
      j === 5
        ? Float64Array.from(features.f1!)
        : j === 7
          ? new Float64Array(n)
          : Float64Array.from(latent[j % 4]!, (v) =>
              Math.min(4, Math.floor(5 * (0.6 * v + 0.4 * g()))),
            );
  }
  const targets = Float64Array.from({ length: n }, () => Math.floor(g() * 5) / 4);
  const columns = Array.from({ length: models }, (_, m) =>
    Float64Array.from(
      targets,
      (t, i) =>
        Math.round((0.5 + 0.1 * t + 0.05 * features[`f${m % p}`]![i]! + 0.3 * g()) * 1000) / 1000,
    ),
  );
  return { ids, features, targets, columns };
}

/** A helper that takes its share at once, on this thread, before the caller takes any. */
const eagerHelper: GramHelper = { help: (job) => helpWithGram(wasmKernels()!, job) };

describe("the basis on two threads", () => {
  const n = 5 * GRAM_ROW_BLOCK + 37; // several row blocks, the last one partial
  const d = data(n, 60, 4);
  const frame = { ids: d.ids, columns: d.features };

  it("a helper's row blocks give exactly the one-thread Gram matrix", () => {
    const m = alignFeatureMatrix(d.ids, frame, { shared: true });
    const use = Int32Array.from({ length: 61 }, (_, j) => j); // every column and the ones
    const alone = gramI16Columns(wasmKernels()!, m.data as Int16Array, m.stride, m.n, use, 60);
    let job: GramJob | undefined;
    const helped = gramI16Columns(wasmKernels()!, m.data as Int16Array, m.stride, m.n, use, 60, {
      help: (j) => {
        job = j;
        eagerHelper.help(j);
      },
    });
    expect(job!.state.every((s) => s === 2)).toBe(true); // the helper took every block
    expect(helped).toEqual(alone);
    // And both are the plain float64 Gram of [F, 1] (integers: exact).
    const a = new Float64Array(n * 61).fill(1, 60 * n);
    for (let j = 0; j < 60; j++)
      for (let i = 0; i < n; i++) a[j * n + i] = m.data[j * m.stride + i]!;
    expect(helped).toEqual(gram(a, n, 61));
  });

  it("redoes the blocks of a helper that claims some and never finishes", () => {
    const m = alignFeatureMatrix(d.ids, frame, { shared: true });
    const use = Int32Array.from({ length: 61 }, (_, j) => j);
    const alone = gramI16Columns(wasmKernels()!, m.data as Int16Array, m.stride, m.n, use, 60);
    const stalled: GramHelper = {
      help: (job) => {
        Atomics.store(job.state, job.state.length - 1, 2); // claimed, never done
        job.result.fill(12345); // garbage that must not be read
      },
    };
    const t0 = performance.now();
    const got = gramI16Columns(
      wasmKernels()!,
      m.data as Int16Array,
      m.stride,
      m.n,
      use,
      60,
      stalled,
      50,
    );
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    expect(got).toEqual(alone);
  });

  it("scores exactly as one thread does, with the basis shared by a worker pool", async () => {
    const inputs = { ids: d.ids, targets: { ids: d.ids, values: d.targets }, features: frame };
    const scorer = new Scorer(inputs);
    const one = d.columns.map((c) => scorer.score(c));
    const pool = ScoringPool.start(2);
    try {
      const two = await pool.score(inputs, d.columns);
      expect(two).toEqual(one);
      // The helper's basis is the one-thread basis, bit for bit.
      const helped = new Scorer({
        ...inputs,
        featureMatrix: alignFeatureMatrix(d.ids, frame, { shared: true }),
        gramHelper: eagerHelper,
      });
      expect(helped.basis!.chol).toEqual(scorer.basis!.chol);
      expect(d.columns.map((c) => helped.score(c))).toEqual(one);
    } finally {
      await pool.close();
    }
  });
});

describe("tourney score --features on several threads", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tourney-threads-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints exactly the one-thread JSON with --threads 2 and by default", async () => {
    const n = 3 * GRAM_ROW_BLOCK + 11;
    const d = data(n, 80, 6, 7);
    const names = Object.keys(d.features);
    const order = d.ids.map((_, i) => i).sort((a, b) => ((a * 31) % n) - ((b * 31) % n));
    writeFileSync(
      path.join(dir, "features.csv"),
      `id,${names.join(",")}\n${order
        .map((i) => `${d.ids[i]},${names.map((f) => d.features[f]![i]).join(",")}`)
        .join("\n")}\n`,
    );
    writeFileSync(
      path.join(dir, "predictions.csv"),
      `id,${d.columns.map((_, m) => `model_${m}`).join(",")}\n${d.ids
        .map((id, i) => `${id},${d.columns.map((c) => c[i]).join(",")}`)
        .join("\n")}\n`,
    );
    writeFileSync(
      path.join(dir, "targets.csv"),
      `id,target\n${d.ids.map((id, i) => `${id},${d.targets[i]}`).join("\n")}\n`,
    );
    const score = async (...extra: string[]) => {
      const { stdout } = await run(
        process.execPath,
        [
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
        ],
        { cwd: repoRoot },
      );
      return JSON.parse(stdout) as { models: Record<string, { fnc: number }> };
    };
    const one = await score("--threads", "1");
    expect(Object.keys(one.models)).toHaveLength(6);
    for (const s of Object.values(one.models)) expect(Number.isFinite(s.fnc)).toBe(true);
    expect(await score("--threads", "2")).toEqual(one);
    expect(await score()).toEqual(one);
  });
});
