import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readFrame } from "../../formats";
import type { Frame, Series } from "../../scoring";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/**
 * The shared reference folder: `TOURNEY_SHARED_DIR`, else `shared/` beside this checkout (as CI
 * clones it), else beside the repository this one was cloned from (a scratch clone elsewhere).
 */
export const sharedDir = findShared();

function findShared(): string {
  if (process.env.TOURNEY_SHARED_DIR) return path.resolve(process.env.TOURNEY_SHARED_DIR);
  const beside = path.resolve(repoRoot, "..", "shared");
  if (existsSync(beside)) return beside;
  try {
    const origin = execFileSync("git", ["config", "--get", "remote.origin.url"], {
      cwd: repoRoot,
      encoding: "utf8",
    }).trim();
    if (origin && !origin.includes("://") && !origin.includes("@")) {
      const besideOrigin = path.resolve(repoRoot, origin, "..", "shared");
      if (existsSync(besideOrigin)) return besideOrigin;
    }
  } catch {
    // not a git checkout, or no origin: keep the default
  }
  return beside;
}
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
