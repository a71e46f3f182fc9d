import { ScoringError } from "./errors";
import { gaussTable } from "./gaussianize";
import { type CorrTargets, corrInner, prepareCorrTargets } from "./metrics/corr";
import {
  type ExposureContext,
  featureExposureInner,
  prepareExposure,
} from "./metrics/feature-exposure";
import { type FncContext, fncInner, prepareFnc } from "./metrics/fnc";
import { type MmcContext, mmcInner, prepareMmc } from "./metrics/mmc";
import { RankTransform, sameIndex } from "./rank-transform";
import type { Frame, Series } from "./types";
import { assertFinite, assertSameLength } from "./validate";

/** What the scorer needs besides the predictions; everything here is prepared once. */
export interface ScorerInputs {
  /** Ids of every prediction vector passed to `score`, in that order (no duplicates). */
  readonly ids: readonly string[];
  readonly targets: Series;
  /** With a meta model, `score` adds MMC. */
  readonly metaModel?: Series;
  /** With features, `score` adds FNC and feature exposure. */
  readonly features?: Frame;
}

/** Scores of one submission; optional metrics appear when their inputs were given. */
export interface SubmissionScores {
  corr: number;
  mmc?: number;
  fnc?: number;
  maxFeatureExposure?: number;
  maxFeature?: string;
}

/**
 * The scoring pipeline for many submissions over the same ids (a round, or a predictions file
 * with many model columns). Target transforms, the gaussianized meta model and the feature
 * basis are computed once; each submission is ranked and gaussianized once per distinct id
 * subset (normally once in all) and that vector is reused by CORR, MMC and FNC.
 *
 * Not thread-safe (reuses scratch buffers); build one per worker.
 *
 * @example
 * const scorer = new Scorer({ ids, targets, metaModel });
 * for (const [name, values] of Object.entries(columns)) console.log(name, scorer.score(values));
 */
export class Scorer {
  readonly n: number;
  private readonly corrTargets: CorrTargets;
  private readonly mmcCtx?: MmcContext;
  private readonly fncCtx?: FncContext;
  private readonly exposureCtx?: ExposureContext;
  private readonly corrRank: RankTransform;
  private readonly mmcRank?: RankTransform;
  private readonly fncRank?: RankTransform;

  constructor(inputs: ScorerInputs) {
    this.n = inputs.ids.length;
    this.corrTargets = prepareCorrTargets(inputs.ids, inputs.targets);
    this.corrRank = new RankTransform(this.n, this.corrTargets.index);
    const ranks = [this.corrRank];
    // One rank transform per distinct id subset: usually every metric uses the same ids.
    const rankFor = (index: Int32Array) => {
      const found = ranks.find((r) => sameIndex(r.indexArray, index));
      if (found) return found;
      const r = new RankTransform(this.n, index);
      ranks.push(r);
      return r;
    };
    if (inputs.metaModel) {
      this.mmcCtx = prepareMmc(inputs.ids, inputs.metaModel, inputs.targets);
      this.mmcRank = rankFor(this.mmcCtx.index);
    }
    if (inputs.features) {
      this.fncCtx = prepareFnc(inputs.ids, inputs.features, inputs.targets);
      this.fncRank = rankFor(this.fncCtx.index);
      this.exposureCtx = prepareExposure(inputs.ids, inputs.features);
    }
  }

  /**
   * Scores one prediction vector (in the order of `ids`). Throws `non_finite_values`,
   * `length_mismatch` or `constant_predictions`; never returns NaN.
   */
  score(values: Float64Array, what = "predictions"): SubmissionScores {
    assertSameLength(values.length, this.n, `${what} vs ids`);
    // Ranking a transform that covers the whole input checks every value on the way.
    if (!this.corrRank.coversInput) assertFinite(values, what);
    const done: RankTransform[] = [];
    const ranked = (r: RankTransform, materialize = true) => {
      if (done.includes(r)) return r;
      const groups = r.rank(values);
      if (groups < 0) assertFinite(values, what); // throws, naming the first offender
      if (groups < 2) {
        throw new ScoringError(
          "constant_predictions",
          `${what} are constant over the scored ids; they have no rank information`,
          { what },
        );
      }
      if (materialize) r.materialize();
      done.push(r);
      return r;
    };
    let out: SubmissionScores;
    if (!this.fncCtx && (!this.mmcCtx || this.mmcRank === this.corrRank)) {
      // CORR (and MMC) straight from the rank codes: one pass, no gaussianized vectors.
      ranked(this.corrRank, false);
      out = this.corrMmc(this.corrRank);
    } else {
      out = { corr: corrInner(ranked(this.corrRank).gaussPow, this.corrTargets) };
      if (this.mmcCtx) out.mmc = mmcInner(ranked(this.mmcRank!).gauss, this.mmcCtx);
    }
    if (this.fncCtx) {
      const r = ranked(this.fncRank!);
      out.fnc = fncInner(r.gauss, this.fncCtx);
      const e = featureExposureInner(r.values, this.exposureCtx!);
      out.maxFeatureExposure = e.maxFeatureExposure;
      out.maxFeature = e.maxFeature;
    }
    for (const [k, v] of Object.entries(out)) {
      if (typeof v === "number" && !Number.isFinite(v)) {
        throw new ScoringError("constant_predictions", `${what}: ${k} is undefined (${v})`, {
          what,
        });
      }
    }
    return out;
  }

  /**
   * `corrInner(gaussPow)` and `mmcInner(gauss)` of a ranked transform, reading the gaussianized
   * values from the table by rank code instead of materializing them. The sums run in the same
   * order with the same operations, so the results are bit for bit those of the two functions.
   */
  private corrMmc(r: RankTransform): SubmissionScores {
    const { codes, pos, n } = r;
    const { gauss, gaussPow } = gaussTable(n);
    const { t: ct, tss } = this.corrTargets;
    let mx = 0;
    for (let j = 0; j < n; j++) mx += gaussPow[codes[pos[j]!]!]!;
    mx /= n;
    let sxy = 0;
    let sxx = 0;
    const mmc = this.mmcCtx;
    if (!mmc) {
      for (let j = 0; j < n; j++) {
        const dx = gaussPow[codes[pos[j]!]!]! - mx;
        sxy += dx * ct[j]!;
        sxx += dx * dx;
      }
      return { corr: sxy / Math.sqrt(sxx * tss) };
    }
    const { m, t } = mmc;
    let tp = 0;
    let pm = 0;
    for (let j = 0; j < n; j++) {
      const c = codes[pos[j]!]!;
      const dx = gaussPow[c]! - mx;
      sxy += dx * ct[j]!;
      sxx += dx * dx;
      const p = gauss[c]!;
      tp += t[j]! * p;
      pm += p * m[j]!;
    }
    return { corr: sxy / Math.sqrt(sxx * tss), mmc: (tp - (pm / mmc.mm) * mmc.tm) / n };
  }
}
