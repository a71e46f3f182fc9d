import { ScoringError } from "./errors";

/** Throws `non_finite_values` if any value is NaN or +-Infinity, naming the first offender. */
export function assertFinite(values: Float64Array, what: string, ids?: readonly string[]): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const where = ids ? `id ${JSON.stringify(ids[i])}` : `index ${i}`;
      throw new ScoringError(
        "non_finite_values",
        `${what} has a non-finite value (${values[i]}) at ${where}`,
        { what, index: i, id: ids?.[i] },
      );
    }
  }
}

/** Throws `length_mismatch` unless `a` and `b` have the same length. */
export function assertSameLength(a: number, b: number, what: string): void {
  if (a !== b) {
    throw new ScoringError("length_mismatch", `${what}: lengths differ (${a} vs ${b})`, {
      what,
      lengths: [a, b],
    });
  }
}

/** Throws `empty_input` if there are fewer than `min` values. */
export function assertMinLength(n: number, min: number, what: string): void {
  if (n < min) {
    throw new ScoringError("empty_input", `${what} needs at least ${min} values, got ${n}`, {
      what,
      length: n,
    });
  }
}

/** True if every value equals the first (ties everywhere: no rank information). */
export function isConstant(values: Float64Array): boolean {
  const first = values[0];
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return false;
  return true;
}

/** Throws `constant_predictions` (or `constant_input` for other inputs) on a constant vector. */
export function assertNotConstant(
  values: Float64Array,
  what: string,
  code: "constant_predictions" | "constant_input" = "constant_input",
): void {
  if (values.length > 0 && isConstant(values)) {
    throw new ScoringError(
      code,
      `${what} is constant (every value is ${values[0]}); it has no rank information to score`,
      { what },
    );
  }
}

/** Throws `length_mismatch` if a series has a different number of ids and values. */
export function assertSeriesShape(
  s: { readonly ids: readonly string[]; readonly values: Float64Array },
  what: string,
): void {
  if (s.ids.length !== s.values.length) {
    throw new ScoringError(
      "length_mismatch",
      `${what}: ${s.ids.length} ids but ${s.values.length} values`,
      { what, lengths: [s.ids.length, s.values.length] },
    );
  }
}
