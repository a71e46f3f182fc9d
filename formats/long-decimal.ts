import { POW10 } from "./decimal";

/**
 * Whether a decimal of 16 or 17 significant digits is exactly what `String(v)` prints for its
 * double `v`, decided with a few floating-point operations instead of printing `v` (the most
 * expensive step of reading a file of full-precision predictions).
 *
 * The decimal is `D / 10^k` with `D = hi * 10^8 + lo` (`lo` the last 8 of its `digits`
 * significant digits, `hi` the others) and `v` its correctly rounded double (`Number(text)`).
 * JS prints the decimal of fewest digits that reads back as `v`, the closest to `v` among those
 * (ECMA-262 Number::toString). So the text is `String(v)` when:
 *
 * 1. no decimal with fewer digits reads back as `v`. The decimals that read back as `v` form an
 *    interval around the text, so if a shorter one did, one of the two nearest (digits - 1)-digit
 *    neighbours `floor(D/10)` and `floor(D/10) + 1` (over 10^(k-1)) would too. Each is read by one
 *    exact division (both operands exact doubles below 2^53: Clinger's fast path);
 * 2. no other decimal of as many digits is as close to `v`: |v * 10^k - D| < 1/2, computed
 *    without rounding error (Dekker's product, Sterbenz's subtraction, Knuth's sum).
 *
 * Returns false when either fails or cannot be decided this way (a neighbour above 2^53, an exact
 * tie): the caller then prints `String(v)`, which is always right. A property test checks every
 * true answer against `String(v)`.
 */
export function isShortestDecimal(
  v: number,
  hi: number,
  lo: number,
  digits: number,
  k: number,
): boolean {
  if (digits < 16 || digits > 17 || k > 22 || lo % 10 === 0) return false;
  // 1. The two nearest shorter decimals.
  const shorter = hi * 1e7 + Math.floor(lo / 10);
  if (shorter + 1 > MAX_EXACT) return false;
  const scale = POW10[k - 1]!;
  if (shorter / scale === v || (shorter + 1) / scale === v) return false;
  // 2. r = v * 10^k - D exactly, as p + e (the product's rounded value and its error).
  const ten = POW10[k]!;
  const p = v * ten;
  const e = productError(v, ten, p);
  const high = hi * 1e8; // exact: hi < 10^9, and hi * 5^8 < 2^49
  // p and high are within a factor of 2 of each other (D >= 10^15, lo < 10^8): exact (Sterbenz);
  // the result and lo are small multiples of p's unit in the last place: exact again.
  const t = p - high - lo;
  const s = t + e;
  const err = e - (s - t) + (t - (s - (s - t))); // Knuth's TwoSum: s + err === t + e exactly
  const r = Math.abs(s);
  return r < 0.5 || (r === 0.5 && (s > 0 ? err < 0 : err > 0));
}

/**
 * The double nearest to `D / 10^k` (`D = hi * 10^8 + lo` of 16 or 17 digits, at least 10^15;
 * `k` at most 22), i.e. `Number` of the decimal's text, without making the text: the quotient
 * in floating point is within an ulp or two, and the exact residual `v * 10^k - D` (as in
 * `isShortestDecimal`) says whether it is nearest or which neighbour is. Returns NaN in the
 * cases this does not decide (none seen by its property test; the caller then calls `Number`).
 */
export function readLongDecimal(hi: number, lo: number, k: number): number {
  if (k > 22 || !LITTLE_ENDIAN) return Number.NaN;
  const ten = POW10[k]!;
  const high = hi * 1e8;
  let v = (high + lo) / ten;
  for (let step = 0; step < 3; step++) {
    const p = v * ten;
    const e = productError(v, ten, p);
    const t = p - high - lo;
    const s = t + e;
    const err = e - (s - t) + (t - (s - (s - t)));
    // r = s + err = v * 10^k - D. v is nearest when D is within half the gap to each neighbour.
    scratch[0] = v;
    const low = bits[0]!;
    const high32 = bits[1]!;
    bits[0] = 0;
    bits[1] = ((high32 >>> 20) - 52) << 20; // 2^(exponent - 52): the gap to the next double up
    const up = scratch[0]!;
    if (s > 0 || (s === 0 && err > 0)) {
      const down = low === 0 && (high32 & 0xfffff) === 0 ? up / 2 : up; // below a power of 2
      const bound = (down * ten) / 2;
      if (s < bound || (s === bound && err < 0)) return v;
      v -= down;
    } else {
      const bound = -(up * ten) / 2;
      if (s > bound || (s === bound && err > 0)) return v;
      v += up;
    }
  }
  return Number.NaN;
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
const scratch = new Float64Array(1);
/** scratch's two words (low, then high, on little-endian machines). */
const bits = new Uint32Array(scratch.buffer);

const MAX_EXACT = 2 ** 53;
const SPLIT = 134217729; // 2^27 + 1 (Veltkamp's split into halves of 26 bits)

/** a * b - p exactly, for p = a * b rounded (Dekker's product without a fused multiply-add). */
function productError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}
