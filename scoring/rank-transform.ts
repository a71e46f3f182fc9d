import { gaussTable } from "./gaussianize";
import { rankCodesInto } from "./rank";

/**
 * Rank -> gaussianize (-> pow 1.5) of a subset of a vector, allocation-free per call: the
 * pipeline keeps one per id universe and reuses it for every submission. The outputs are
 * overwritten by the next `apply`.
 *
 * When the subset is a reordering of the whole input (the usual case: every id is scored), the
 * input is ranked where it lies, without gathering it first: ranks do not depend on order, and
 * `pos` maps each subset position to its place in `codes`.
 */
export class RankTransform {
  readonly n: number;
  /** Gaussianized tie-kept ranks of the last input. */
  readonly gauss: Float64Array;
  /** pow15 of `gauss`. */
  readonly gaussPow: Float64Array;
  /**
   * Rank codes (see `rankCodesInto`) of the last input: of the whole input in its order when
   * `coversInput`, else of the gathered subset. Subset position j has code `codes[pos[j]]`.
   */
  readonly codes: Int32Array;
  /** Position in `codes` of each subset position. */
  readonly pos: Int32Array;
  /** True when the subset is all of the input (so ranking checks every input value). */
  readonly coversInput: boolean;
  private readonly x: Float64Array;
  /** The last input, when ranked in place. */
  private input: Float64Array | null = null;

  /**
   * `n`: length of the input vectors; `index`: positions of the subset in them (null: the whole
   * vector). Positions must be distinct, as `align` gives them.
   */
  constructor(
    n: number,
    private readonly index: Int32Array | null = null,
  ) {
    this.n = index ? index.length : n;
    this.coversInput = !index || index.length === n;
    this.gauss = new Float64Array(this.n);
    this.gaussPow = new Float64Array(this.n);
    this.codes = new Int32Array(this.coversInput ? n : this.n);
    this.pos = index && this.coversInput ? index : Int32Array.from({ length: this.n }, (_, j) => j);
    this.x = new Float64Array(this.n);
  }

  /** Positions of the subset (null: whole vector). */
  get indexArray(): Int32Array | null {
    return this.index;
  }

  /** The input restricted to the subset (valid until the next `apply`). */
  get values(): Float64Array {
    const { input, pos, x } = this;
    if (this.coversInput && input) for (let j = 0; j < x.length; j++) x[j] = input[pos[j]!]!;
    return x;
  }

  /**
   * Ranks `values` into `codes` only. Returns the number of distinct values over the subset
   * (below 2: constant, no rank information), or -1 if the ranked values hold a NaN or an
   * infinity (with `coversInput`, that is any input value).
   */
  rank(values: Float64Array): number {
    const { n, x, index, codes } = this;
    if (this.coversInput) {
      this.input = values;
      return rankCodesInto(values.length === n ? values : values.subarray(0, n), codes);
    }
    for (let j = 0; j < n; j++) x[j] = values[index![j]!]!;
    return rankCodesInto(x, codes);
  }

  /**
   * Ranks `values` and fills `gauss` and `gaussPow`; returns false (outputs untouched) if the
   * subset is constant or not finite.
   */
  apply(values: Float64Array): boolean {
    if (this.rank(values) < 2) return false;
    this.materialize();
    return true;
  }

  /** Fills `gauss` and `gaussPow` from the codes of the last `rank`. */
  materialize(): void {
    const { n, codes, pos } = this;
    const { gauss, gaussPow } = gaussTable(n);
    const g = this.gauss;
    const gp = this.gaussPow;
    for (let j = 0; j < n; j++) {
      const c = codes[pos[j]!]!;
      g[j] = gauss[c]!;
      gp[j] = gaussPow[c]!;
    }
  }
}

/** True if two index arrays select the same positions in the same order. */
export function sameIndex(a: Int32Array | null, b: Int32Array | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
