/** One value per id, e.g. a submission's predictions or a round's targets. Order is free. */
export interface Series {
  readonly ids: readonly string[];
  readonly values: Float64Array;
}

/** Several named columns over the same ids, e.g. features or a multi-model predictions file. */
export interface Frame {
  readonly ids: readonly string[];
  readonly columns: Readonly<Record<string, Float64Array>>;
}
