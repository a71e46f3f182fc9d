import { gaussTable } from "./gaussianize";
import { rankCodesInto } from "./rank";

/**
 * Rank -> gaussianize (-> pow 1.5) of a subset of a vector, allocation-free per call: the
 * pipeline keeps one per id universe and reuses it for every submission. The outputs are
 * overwritten by the next `apply`.
 */
export class RankTransform {
  readonly n: number;
  /** Gaussianized tie-kept ranks of the last input. */
  readonly gauss: Float64Array;
  /** pow15 of `gauss`. */
  readonly gaussPow: Float64Array;
  private readonly x: Float64Array;
  private readonly codes: Int32Array;

  /** `index`: positions of the subset in the input vectors (null: the whole vector). */
  constructor(
    n: number,
    private readonly index: Int32Array | null = null,
  ) {
    this.n = index ? index.length : n;
    this.gauss = new Float64Array(this.n);
    this.gaussPow = new Float64Array(this.n);
    this.x = new Float64Array(this.n);
    this.codes = new Int32Array(this.n);
  }

  /** Positions of the subset (null: whole vector). */
  get indexArray(): Int32Array | null {
    return this.index;
  }

  /** The input restricted to the subset (valid until the next `apply`). */
  get values(): Float64Array {
    return this.x;
  }

  /** Ranks `values`; returns false (outputs untouched) if the subset is constant. */
  apply(values: Float64Array): boolean {
    const { n, x, index, codes } = this;
    if (index) for (let j = 0; j < n; j++) x[j] = values[index[j]!]!;
    else x.set(values.subarray(0, n));
    if (rankCodesInto(x, codes) < 2) return false;
    const { gauss, gaussPow } = gaussTable(n);
    const g = this.gauss;
    const gp = this.gaussPow;
    for (let j = 0; j < n; j++) {
      const c = codes[j]!;
      g[j] = gauss[c]!;
      gp[j] = gaussPow[c]!;
    }
    return true;
  }
}

/** True if two index arrays select the same positions in the same order. */
export function sameIndex(a: Int32Array | null, b: Int32Array | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
