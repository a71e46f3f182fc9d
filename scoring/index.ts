// Tourney's scoring library: pure numbers, no I/O, nothing else of ours imported.
// Definitions: SCORING.md (Numerai-compatible CORR, MMC, FNC, feature exposure, payouts).

export { type Alignment, align, MAX_DROPPED_RATIO } from "./align";
export { decodeNeutralBasis, encodeNeutralBasis } from "./basis-bytes";
export { center } from "./center";
export { type Diagnostics, validationDiagnostics } from "./diagnostics";
export { ScoringError, type ScoringErrorCode } from "./errors";
export { gaussianize, normPpf } from "./gaussianize";
export { corr } from "./metrics/corr";
export { type EraStats, eraStats } from "./metrics/era-stats";
export { type FeatureExposure, featureExposure } from "./metrics/feature-exposure";
export { fnc } from "./metrics/fnc";
export { metaModel } from "./metrics/meta-model";
export { mmc } from "./metrics/mmc";
export { type NeutralBasis, neutralBasis, neutralize } from "./neutralize";
export { orthogonalize } from "./orthogonalize";
export {
  DEFAULT_PAYOUT_PARAMS,
  type PayoutParams,
  payoutAmount,
  payoutFactor,
  payoutRatio,
  toWad,
  WAD,
} from "./payout";
export { pearson } from "./pearson";
export { pow15 } from "./pow15";
export { tieKeptRank } from "./rank";
export {
  type ModelRoundScore,
  prepareRound,
  type RoundInput,
  type RoundPartInput,
  type RoundSubmission,
  roundFeatures,
  roundMetaModel,
  scoreRound,
  scoreRoundPart,
} from "./round";
export { Scorer, type ScorerInputs, type SubmissionScores } from "./scorer";
export type { Frame, Series } from "./types";
export {
  diagnose,
  type EraScores,
  type PreparedEra,
  prepareEra,
  type SeriesSummary,
  sortEras,
  type ValidationEraInput,
  type ValidationReport,
} from "./validation";
export { varianceNormalize } from "./variance-normalize";
