import { ScoringError } from "./errors";

/** Fixed-point unit: 1.0 = 10^18 (same as the contract). */
export const WAD = 10n ** 18n;

/** A round's payout parameters, fixed when it opens. Multipliers and cap in WAD; threshold in wei. */
export interface PayoutParams {
  readonly corrMultiplier: bigint;
  readonly mmcMultiplier: bigint;
  /** Largest |payout / stake| per round, in WAD. */
  readonly payoutCap: bigint;
  /** Total stake at risk above which payouts scale down, in token wei. */
  readonly stakeThreshold: bigint;
}

/** Numerai's values: 0.5 x CORR + 2 x MMC, cap 5%, threshold 72,000 tokens (18 decimals). */
export const DEFAULT_PAYOUT_PARAMS: PayoutParams = Object.freeze({
  corrMultiplier: WAD / 2n,
  mmcMultiplier: 2n * WAD,
  payoutCap: WAD / 20n,
  stakeThreshold: 72_000n * WAD,
});

/**
 * A score as WAD, truncated toward zero: `BigInt(Math.trunc(x * 1e18))`. NaN/Infinity:
 * `non_finite_values` error.
 *
 * @example
 * toWad(0.0123) // -> 12300000000000000n ; toWad(-1e-19) // -> 0n
 */
export function toWad(x: number): bigint {
  if (!Number.isFinite(x)) {
    throw new ScoringError("non_finite_values", `toWad: ${x} is not a finite number`);
  }
  return BigInt(Math.trunc(x * 1e18));
}

function assertNonNegative(name: string, v: bigint): void {
  if (v < 0n) throw new ScoringError("invalid_argument", `${name} must be >= 0, got ${v}`);
}

/**
 * The round's payout factor in WAD: WAD (1.0) while the total stake at risk is at most the
 * threshold (or zero), else stakeThreshold * WAD / total, truncated. The operator posts it on
 * chain at resolution and the contract applies it to every ratio; `tourney verify` recomputes it.
 * Negative arguments: `invalid_argument`.
 *
 * @example
 * payoutFactor(144_000n * WAD, 72_000n * WAD) // -> 500000000000000000n (0.5)
 */
export function payoutFactor(totalStakeAtRisk: bigint, stakeThreshold: bigint): bigint {
  assertNonNegative("totalStakeAtRisk", totalStakeAtRisk);
  assertNonNegative("stakeThreshold", stakeThreshold);
  if (totalStakeAtRisk === 0n) return WAD;
  const f = (stakeThreshold * WAD) / totalStakeAtRisk;
  return f < WAD ? f : WAD;
}

/**
 * Payout ratio (payout / stake) in WAD, all in bigint arithmetic (division truncates toward zero):
 *   scoreWad        = (corrMultiplier * toWad(corr) + mmcMultiplier * toWad(mmc)) / WAD
 *   payoutFactorWad = payoutFactor(total, stakeThreshold)
 *   ratioWad        = clip(payoutFactorWad * scoreWad / WAD, -payoutCap, +payoutCap)
 * Negative parameters or total stake: `invalid_argument`; non-finite scores: `non_finite_values`.
 *
 * @example
 * payoutRatio({ corr: 0.02, mmc: 0.01 }, 50_000n * WAD) // -> 30000000000000000n (3%)
 */
export function payoutRatio(
  scores: { readonly corr: number; readonly mmc: number },
  totalStakeAtRisk: bigint,
  params: PayoutParams = DEFAULT_PAYOUT_PARAMS,
): bigint {
  assertNonNegative("totalStakeAtRisk", totalStakeAtRisk);
  assertNonNegative("payoutCap", params.payoutCap);
  assertNonNegative("stakeThreshold", params.stakeThreshold);
  const scoreWad =
    (params.corrMultiplier * toWad(scores.corr) + params.mmcMultiplier * toWad(scores.mmc)) / WAD;
  const factorWad = payoutFactor(totalStakeAtRisk, params.stakeThreshold);
  const ratio = (factorWad * scoreWad) / WAD;
  if (ratio > params.payoutCap) return params.payoutCap;
  if (ratio < -params.payoutCap) return -params.payoutCap;
  return ratio;
}

/**
 * Signed payout in token wei: stakeAtRisk * ratioWad / WAD, truncated toward zero (negative =
 * burn). The contract computes the same expression. Negative stake: `invalid_argument`.
 *
 * @example
 * payoutAmount(1000n * WAD, -WAD / 20n) // -> -50000000000000000000n (burn 50 tokens)
 */
export function payoutAmount(stakeAtRisk: bigint, ratioWad: bigint): bigint {
  assertNonNegative("stakeAtRisk", stakeAtRisk);
  return (stakeAtRisk * ratioWad) / WAD;
}
