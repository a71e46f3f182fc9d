/** Machine-readable reasons a score cannot be computed. */
export type ScoringErrorCode =
  | "constant_predictions"
  | "constant_input"
  | "too_many_dropped_ids"
  | "length_mismatch"
  | "non_finite_values"
  | "duplicate_ids"
  | "missing_ids"
  | "empty_input"
  | "invalid_argument"
  | "invalid_table";

/**
 * The only error the scorer throws for bad input: a score is either a finite number or one of
 * these, never NaN.
 *
 * @example
 * try { corr(preds, targets) } catch (e) { if (e instanceof ScoringError) console.log(e.code) }
 */
export class ScoringError extends Error {
  override readonly name = "ScoringError";
  constructor(
    readonly code: ScoringErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
