import { indexIds } from "./align";
import { ScoringError } from "./errors";
import { metaModelInner } from "./metrics/meta-model";
import { DEFAULT_PAYOUT_PARAMS, type PayoutParams, payoutAmount, payoutRatio } from "./payout";
import { Scorer, type SubmissionScores } from "./scorer";
import type { Frame, Series } from "./types";
import { assertFinite } from "./validate";

/** One model's submission in a round. */
export interface RoundSubmission {
  readonly modelId: string;
  /** Must include every live id; ids outside the round are ignored. */
  readonly ids: readonly string[];
  readonly predictions: Float64Array;
  /** Stake at risk at the round's close, in token wei. */
  readonly stakeAtRisk: bigint;
}

export interface RoundInput {
  /** The round's live ids (the rows every submission predicts). */
  readonly liveIds: readonly string[];
  readonly targets: Series;
  readonly submissions: readonly RoundSubmission[];
  /** Optional: adds FNC (neutralized against these) and feature exposure to each model's scores. */
  readonly features?: Frame;
  /** Exposure is measured over these when given (a round: every live feature), else `features`. */
  readonly exposureFeatures?: Frame;
  readonly params?: PayoutParams;
}

/** A model's result in a round. */
export interface ModelRoundScore {
  corr: number;
  mmc: number;
  fnc?: number;
  maxFeatureExposure?: number;
  maxFeature?: string;
  /** payout / stake in WAD (what the contract is told). */
  ratioWad: bigint;
  /** Signed payout in token wei (negative = burn). */
  payout: bigint;
  stakeAtRisk: bigint;
}

/**
 * Reorders a submission to the live ids. Fast path: ids already in live order (canonical
 * submissions are) or in the same order as the previous submission.
 */
export class LiveIndex {
  private readonly pos: Map<string, number>;
  private lastIds: readonly string[] | null = null;
  private lastPerm: Int32Array | null = null;

  constructor(readonly liveIds: readonly string[]) {
    this.pos = indexIds(liveIds, "live ids");
  }

  /** Values in live-id order; a view of the input when it already is in that order. */
  reorder(modelId: string, ids: readonly string[], values: Float64Array): Float64Array {
    if (ids.length !== values.length) {
      throw new ScoringError(
        "length_mismatch",
        `model ${modelId}: ${ids.length} ids but ${values.length} predictions`,
        { modelId },
      );
    }
    const live = this.liveIds;
    const n = live.length;
    if (sameOrder(ids, live, n)) return values.subarray(0, n);
    let perm: Int32Array;
    if (this.lastIds && this.lastPerm && sameOrder(ids, this.lastIds, this.lastIds.length)) {
      perm = this.lastPerm;
    } else {
      perm = new Int32Array(n).fill(-1);
      const seen = new Set<string>();
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (seen.has(id)) {
          throw new ScoringError("duplicate_ids", `model ${modelId}: duplicate id ${id}`, {
            modelId,
            id,
          });
        }
        seen.add(id);
        const p = this.pos.get(id);
        if (p !== undefined) perm[p] = i;
      }
      const missing = perm.indexOf(-1);
      if (missing >= 0) {
        throw new ScoringError(
          "missing_ids",
          `model ${modelId}: live id ${live[missing]} has no prediction (every live id is required)`,
          { modelId, id: live[missing] },
        );
      }
      this.lastIds = ids;
      this.lastPerm = perm;
    }
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) out[j] = values[perm[j]!]!;
    return out;
  }
}

function sameOrder(a: readonly string[], b: readonly string[], n: number): boolean {
  if (a === b) return a.length === n;
  if (a.length !== n || b.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Stakes as float weights (wei as numbers: ~1e27 at most, far inside double range). */
export function stakeWeights(stakes: readonly bigint[]): number[] {
  const total = stakes.reduce((a, b) => a + b, 0n);
  // Equal weights when nothing is staked: MMC is still defined (against the plain mean).
  if (total === 0n) return stakes.map(() => 1);
  return stakes.map((s) => Number(s));
}

/**
 * The stake-weighted meta model of a round over the live ids, from submissions already in
 * live-id order. Stake weights are the stakes at risk as numbers; zero-stake submissions get no
 * weight, and if the total stake is 0 the meta model is the equal-weight mean of all submissions
 * (so MMC stays defined in an unstaked round). Inputs are assumed validated (`prepareRound`).
 *
 * @example
 * roundMetaModel(["a", "b"], [Float64Array.of(0, 1), Float64Array.of(1, 1)], [3n, 1n])
 * // -> { ids: ["a", "b"], values: [0.25, 1] }
 */
export function roundMetaModel(
  liveIds: readonly string[],
  columns: readonly Float64Array[],
  stakes: readonly bigint[],
): Series {
  return { ids: liveIds, values: metaModelInner(columns, stakeWeights(stakes)) };
}

/** Validates a round's inputs and returns each submission in live-id order. */
export function prepareRound(input: RoundInput) {
  const { liveIds, submissions } = input;
  if (liveIds.length === 0) throw new ScoringError("empty_input", "the round has no live ids");
  if (submissions.length === 0)
    throw new ScoringError("empty_input", "the round has no submissions");
  const modelIds = new Set<string>();
  for (const s of submissions) {
    if (modelIds.has(s.modelId)) {
      throw new ScoringError("duplicate_ids", `model ${s.modelId} has two submissions`, {
        modelId: s.modelId,
      });
    }
    modelIds.add(s.modelId);
    if (s.stakeAtRisk < 0n) {
      throw new ScoringError("invalid_argument", `model ${s.modelId}: negative stake at risk`);
    }
  }
  const index = new LiveIndex(liveIds);
  const columns = submissions.map((s) => {
    const v = index.reorder(s.modelId, s.ids, s.predictions);
    assertFinite(v, `model ${s.modelId} predictions`, liveIds);
    return v;
  });
  const stakes = submissions.map((s) => s.stakeAtRisk);
  const totalStake = stakes.reduce((a, b) => a + b, 0n);
  return { columns, stakes, totalStake };
}

/**
 * Scores a round: CORR and MMC (and FNC with features) for every submission against the
 * stake-weighted meta model of the round, then payouts in integer token arithmetic.
 * What the scoring worker calls. Every submission must cover all live ids (they are validated
 * at upload); a violation, constant predictions or non-finite values throw a `ScoringError`
 * naming the model, since a round must not be settled on partial scores. A constant meta model
 * (e.g. two mirror-image submissions with equal stakes) leaves MMC undefined: `constant_input`.
 * Targets are centered over all their ids and must cover at least 80% of the live ids.
 *
 * @example
 * const scores = scoreRound({ liveIds, targets, submissions, params: DEFAULT_PAYOUT_PARAMS });
 * scores.get("model-a") // -> { corr, mmc, ratioWad, payout, stakeAtRisk }
 */
export function scoreRound(input: RoundInput): Map<string, ModelRoundScore> {
  const params = input.params ?? DEFAULT_PAYOUT_PARAMS;
  const { columns, stakes, totalStake } = prepareRound(input);
  const scorer = new Scorer({
    ids: input.liveIds,
    targets: input.targets,
    metaModel: roundMetaModel(input.liveIds, columns, stakes),
    features: input.features,
    exposureFeatures: input.exposureFeatures,
    omitUndefinedFnc: true,
  });
  const out = new Map<string, ModelRoundScore>();
  input.submissions.forEach((s, k) => {
    const sc = scorer.score(columns[k]!, `model ${s.modelId} predictions`);
    out.set(s.modelId, roundResult(sc, s.stakeAtRisk, totalStake, params));
  });
  return out;
}

/** Ratio and payout of one model from its scores. */
export function roundResult(
  sc: SubmissionScores,
  stakeAtRisk: bigint,
  totalStake: bigint,
  params: PayoutParams,
): ModelRoundScore {
  const corr = sc.corr;
  const mmc = sc.mmc!;
  const ratioWad = payoutRatio({ corr, mmc }, totalStake, params);
  const r: ModelRoundScore = {
    corr,
    mmc,
    ratioWad,
    payout: payoutAmount(stakeAtRisk, ratioWad),
    stakeAtRisk,
  };
  if (sc.fnc !== undefined) r.fnc = sc.fnc;
  if (sc.maxFeatureExposure !== undefined) {
    r.maxFeatureExposure = sc.maxFeatureExposure;
    r.maxFeature = sc.maxFeature!;
  }
  return r;
}

/** Input of one part of a round split across workers: the meta model is computed once, before. */
export interface RoundPartInput {
  readonly liveIds: readonly string[];
  readonly targets: Series;
  /** This part's submissions only. */
  readonly submissions: readonly RoundSubmission[];
  /** The whole round's stake-weighted meta model (`roundMetaModel` over every submission). */
  readonly metaModel: Series;
  /** The whole round's total stake at risk (it sets the payout factor). */
  readonly totalStake: bigint;
  readonly features?: Frame;
  readonly exposureFeatures?: Frame;
  readonly params?: PayoutParams;
}

/**
 * Scores some of a round's submissions: the same numbers `scoreRound` gives for them, when
 * `metaModel` and `totalStake` are the whole round's. Lets several workers share a big round.
 *
 * @example
 * const part = scoreRoundPart({ liveIds, targets, submissions: slice, metaModel, totalStake });
 */
export function scoreRoundPart(input: RoundPartInput): Map<string, ModelRoundScore> {
  const params = input.params ?? DEFAULT_PAYOUT_PARAMS;
  const index = new LiveIndex(input.liveIds);
  const scorer = new Scorer({
    ids: input.liveIds,
    targets: input.targets,
    metaModel: input.metaModel,
    features: input.features,
    exposureFeatures: input.exposureFeatures,
    omitUndefinedFnc: true,
  });
  const out = new Map<string, ModelRoundScore>();
  for (const s of input.submissions) {
    const v = index.reorder(s.modelId, s.ids, s.predictions);
    assertFinite(v, `model ${s.modelId} predictions`, input.liveIds);
    const sc = scorer.score(v, `model ${s.modelId} predictions`);
    out.set(s.modelId, roundResult(sc, s.stakeAtRisk, input.totalStake, params));
  }
  return out;
}

/**
 * A round's scoring features from its live file: FNC neutralizes against `fncFeatures` (the
 * names the operator fixed at open; null/undefined: every feature column) and exposure is
 * measured over every feature column. Undefined when the live file has no feature columns.
 * Unknown names: `invalid_argument`.
 *
 * @example
 * roundFeatures(live, ["feature_a", "feature_b"]) // -> { features, exposureFeatures }
 */
export function roundFeatures(
  live: Frame,
  fncFeatures?: readonly string[] | null,
): { features: Frame; exposureFeatures: Frame } | undefined {
  const names = Object.keys(live.columns);
  // No feature, or none that varies: nothing to neutralize against or be exposed to.
  const varies = (c: Float64Array) => c.some((v) => v !== c[0]);
  if (!names.some((n) => varies(live.columns[n]!))) return undefined;
  const chosen = fncFeatures ?? names;
  const missing = chosen.filter((n) => !(n in live.columns));
  if (missing.length > 0 || chosen.length === 0) {
    throw new ScoringError(
      "invalid_argument",
      `FNC features not in the live file: ${missing.join(", ") || "(none chosen)"}`,
      { missing },
    );
  }
  const features = {
    ids: live.ids,
    columns: Object.fromEntries(chosen.map((n) => [n, live.columns[n]!])),
  };
  return { features, exposureFeatures: live };
}
