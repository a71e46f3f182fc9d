import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Frame, Series } from "../../scoring";
import { readFrame } from "../../scoring/io";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** CI clones the repo with shared/ beside it. */
export const sharedDir = path.resolve(repoRoot, "..", "shared");
export const referenceDir = path.join(sharedDir, "reference");
export const SCORE_CASES = ["tiny", "small_ties", "live_5000"] as const;

export interface ExpectedModel {
  corr: number;
  mmc: number;
  fnc: number;
  maxFeatureExposure: number;
  maxFeature: string;
}

export interface ReferenceCase {
  predictions: Frame;
  targets: Series;
  metaModel: Series;
  features: Frame;
  expected: Record<string, ExpectedModel>;
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

function series(f: Frame, column: string): Series {
  return { ids: f.ids, values: f.columns[column]! };
}

export async function loadCase(name: string): Promise<ReferenceCase> {
  const dir = path.join(referenceDir, name);
  const [predictions, targets, metaModel, features] = await Promise.all(
    ["predictions", "targets", "meta_model", "features"].map((f) =>
      readFrame(path.join(dir, `${f}.csv`)),
    ),
  );
  return {
    predictions: predictions!,
    targets: series(targets!, "target"),
    metaModel: series(metaModel!, "prediction"),
    features: features!,
    expected: readJson<{ models: Record<string, ExpectedModel> }>(path.join(dir, "expected.json"))
      .models,
  };
}

/** A deterministic pseudo-random stream (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n random ids, values rounded to `decimals` (ties likely when small), and targets in quarters. */
export function randomRound(n: number, seed: number, decimals = 2) {
  const r = rng(seed);
  const ids = Array.from({ length: n }, (_, i) => `id${i.toString(36).padStart(4, "0")}`);
  const round = (x: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;
  const preds = Float64Array.from(ids, () => round(r()));
  const meta = Float64Array.from(ids, () => r());
  const targets = Float64Array.from(ids, () => Math.floor(r() * 5) / 4);
  const features = {
    f0: Float64Array.from(ids, () => Math.floor(r() * 5)),
    f1: Float64Array.from(ids, () => Math.floor(r() * 5)),
    f2: Float64Array.from(ids, () => Math.floor(r() * 5)),
  };
  return { ids, preds, meta, targets, features, r };
}
