import type { IdIndexCache } from "./align";
import { ScoringError } from "./errors";
import { alignFeatureMatrix, type FeatureMatrix } from "./feature-matrix";
import type { GramHelper } from "./linalg/gram";
import { type CorrTargets, corrInner, prepareCorrTargets } from "./metrics/corr";
import { type CodesScoring, codesScoring, corrMmcFromCodes } from "./metrics/corr-mmc";
import {
  type ExposureContext,
  featureExposureInner,
  prepareExposure,
} from "./metrics/feature-exposure";
import { type FncContext, fncInner, prepareFnc } from "./metrics/fnc";
import { type MmcContext, mmcInner, prepareMmc } from "./metrics/mmc";
import type { NeutralBasis } from "./neutralize";
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
  /** With features, `score` adds FNC (neutralized against them) and feature exposure. */
  readonly features?: Frame;
  /**
   * The neutralization basis of `features` over `ids`, built before (see `neutralBasis`; e.g.
   * stored with a prepared validation era): used instead of building it again.
   */
  readonly basis?: NeutralBasis;
  /**
   * `features` aligned to `ids` before (`alignFeatureMatrix`, e.g. in shared memory for other
   * threads): used instead of aligning them again; `features` may then be left out.
   */
  readonly featureMatrix?: FeatureMatrix;
  /** A thread that takes a share of building the basis (see scoring/parallel). */
  readonly gramHelper?: GramHelper;
  /** Leave the feature exposure out (it is measured elsewhere, e.g. on another thread). */
  readonly skipExposure?: boolean;
  /** The features exposure is measured over, when not `features` (e.g. all of a round's). */
  readonly exposureFeatures?: Frame;
  /**
   * Leave FNC out of a submission's scores when it is undefined for it (predictions the
   * features explain entirely, e.g. a copy of a binary feature) instead of throwing: a round
   * must not fail to score because of one model's FNC, which pays nothing.
   */
  readonly omitUndefinedFnc?: boolean;
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
  private codesScoring?: CodesScoring;
  private readonly omitUndefinedFnc: boolean;
  private readonly pair = new Float64Array(2);

  constructor(inputs: ScorerInputs) {
    this.n = inputs.ids.length;
    this.omitUndefinedFnc = inputs.omitUndefinedFnc ?? false;
    const idIndex: IdIndexCache = new Map(); // each id array indexed once
    this.corrTargets = prepareCorrTargets(inputs.ids, inputs.targets, idIndex);
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
      this.mmcCtx = prepareMmc(inputs.ids, inputs.metaModel, inputs.targets, idIndex);
      this.mmcRank = rankFor(this.mmcCtx.index);
    }
    const features = inputs.featureMatrix ?? inputs.features;
    if (features) {
      // Aligned and validated once, for FNC and the exposure both (unless exposure has its own).
      const m = "data" in features ? features : alignFeatureMatrix(inputs.ids, features);
      this.fncCtx = prepareFnc(inputs.ids, m, inputs.targets, inputs.basis, inputs.gramHelper);
      this.fncRank = rankFor(this.fncCtx.index);
      if (!inputs.skipExposure) {
        this.exposureCtx = prepareExposure(inputs.ids, inputs.exposureFeatures ?? m);
      }
    }
  }

  /** The neutralization basis FNC uses (with features), e.g. to store it. */
  get basis(): NeutralBasis | undefined {
    return this.fncCtx?.basis;
  }

  /** CORR and MMC both read the same ranking of the predictions, and there is no FNC. */
  private get fused(): boolean {
    return !this.fncCtx && (!this.mmcCtx || this.mmcRank === this.corrRank);
  }

  /**
   * True when scores need nothing but the rank codes of each whole prediction vector (every id
   * scored, no features): then `scoreRankCodes` can take codes ranked elsewhere, e.g. on
   * another thread.
   */
  get ranksWholeVector(): boolean {
    return this.fused && this.corrRank.coversInput;
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
      checkGroups(r.rank(values), values, what);
      if (materialize) r.materialize();
      done.push(r);
      return r;
    };
    let out: SubmissionScores;
    if (this.fused) {
      // CORR (and MMC) straight from the rank codes: one pass, no gaussianized vectors.
      out = this.corrMmc(ranked(this.corrRank, false).codes);
    } else {
      out = { corr: corrInner(ranked(this.corrRank).gaussPow, this.corrTargets) };
      if (this.mmcCtx) out.mmc = mmcInner(ranked(this.mmcRank!).gauss, this.mmcCtx);
    }
    if (this.fncCtx) {
      const r = ranked(this.fncRank!);
      try {
        const v = fncInner(r.gauss, this.fncCtx);
        if (Number.isFinite(v) || !this.omitUndefinedFnc) out.fnc = v;
      } catch (e) {
        if (!(this.omitUndefinedFnc && e instanceof ScoringError)) throw e;
      }
      if (this.exposureCtx) {
        const e = featureExposureInner(this.exposureValues(r, values), this.exposureCtx);
        out.maxFeatureExposure = e.maxFeatureExposure;
        out.maxFeature = e.maxFeature;
      }
    }
    return checkFinite(out, what);
  }

  /** The raw predictions over the exposure features' ids (the FNC ranking's, when the same). */
  private exposureValues(r: RankTransform, values: Float64Array): Float64Array {
    const index = this.exposureCtx!.index;
    if (sameIndex(r.indexArray, index)) return r.values;
    return Float64Array.from(index, (i) => values[i]!);
  }

  /**
   * `score(values)` given `groups = rankCodesInto(values, codes)` computed already, and perhaps
   * `pair` = `corrMmcFromCodes(codes, this.forCodes)` too (e.g. on another thread). Only when
   * `ranksWholeVector`; same results and errors as `score`.
   */
  scoreRankCodes(
    values: Float64Array,
    codes: Int32Array,
    groups: number,
    what = "predictions",
    pair?: Float64Array,
  ): SubmissionScores {
    if (!this.ranksWholeVector) throw new Error("scoreRankCodes needs ranksWholeVector");
    assertSameLength(values.length, this.n, `${what} vs ids`);
    assertSameLength(codes.length, this.n, `${what} rank codes vs ids`);
    checkGroups(groups, values, what);
    return checkFinite(this.corrMmc(codes, pair), what);
  }

  /** CORR (and MMC) of the ranking whose codes are `codes`, unless given (see `corrMmcFromCodes`). */
  private corrMmc(codes: Int32Array, pair?: Float64Array): SubmissionScores {
    const p = pair ?? this.pair;
    this.codesScoring ??= codesScoring(this.corrRank.pos, this.corrTargets, this.mmcCtx);
    if (!pair) corrMmcFromCodes(codes, this.codesScoring, p);
    return this.mmcCtx ? { corr: p[0]!, mmc: p[1]! } : { corr: p[0]! };
  }

  /**
   * What scoring from rank codes needs, as plain arrays (to hand to another thread); only when
   * `ranksWholeVector`.
   */
  get forCodes(): CodesScoring {
    if (!this.ranksWholeVector) throw new Error("forCodes needs ranksWholeVector");
    this.codesScoring ??= codesScoring(this.corrRank.pos, this.corrTargets, this.mmcCtx);
    return this.codesScoring;
  }
}

/** Turns a ranking's distinct-value count into the scorer's errors (see `rankCodesInto`). */
function checkGroups(groups: number, values: Float64Array, what: string): void {
  if (groups < 0) assertFinite(values, what); // throws, naming the first offender
  if (groups < 2) {
    throw new ScoringError(
      "constant_predictions",
      `${what} are constant over the scored ids; they have no rank information`,
      { what },
    );
  }
}

/** Scores are never NaN: an undefined metric is an error naming it. */
function checkFinite(out: SubmissionScores, what: string): SubmissionScores {
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === "number" && !Number.isFinite(v)) {
      throw new ScoringError("constant_predictions", `${what}: ${k} is undefined (${v})`, {
        what,
      });
    }
  }
  return out;
}
