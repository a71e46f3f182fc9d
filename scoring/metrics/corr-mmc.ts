import { gaussTable } from "../gaussianize";
import type { CorrTargets } from "./corr";
import type { MmcContext } from "./mmc";

/**
 * What CORR and MMC of a prediction vector need besides its rank codes (see `rankCodesInto`),
 * as plain arrays and numbers, so that another thread can hold a copy.
 */
export interface CodesScoring {
  /** Scored position j has rank code `codes[pos[j]]`. */
  readonly pos: Int32Array;
  /** `gaussTable(pos.length)`. */
  readonly gauss: Float64Array;
  readonly gaussPow: Float64Array;
  /** CORR's prepared targets and their sum of squares (`CorrTargets.t`, `.tss`). */
  readonly corrT: Float64Array;
  readonly tss: number;
  /** MMC's targets and gaussianized meta model (`MmcContext.t`, `.m`); null without MMC. */
  readonly mmcT: Float64Array | null;
  readonly mmcM: Float64Array | null;
  readonly mm: number;
  readonly tm: number;
}

/** The `CodesScoring` of prepared CORR targets (and MMC context) over the same scored ids. */
export function codesScoring(pos: Int32Array, corr: CorrTargets, mmc?: MmcContext): CodesScoring {
  const { gauss, gaussPow } = gaussTable(pos.length);
  return {
    pos,
    gauss,
    gaussPow,
    corrT: corr.t,
    tss: corr.tss,
    mmcT: mmc ? mmc.t : null,
    mmcM: mmc ? mmc.m : null,
    mm: mmc ? mmc.mm : 0,
    tm: mmc ? mmc.tm : 0,
  };
}

/**
 * CORR into `out[0]` and MMC into `out[1]` (NaN without a meta model) from rank codes: the same
 * numbers, bit for bit, as `corrInner(gaussPow)` and `mmcInner(gauss)` of the gaussianized
 * ranking (the sums run in the same order with the same operations), without materializing it:
 * the gaussianized values come from the table by code, in one pass.
 */
export function corrMmcFromCodes(codes: Int32Array, s: CodesScoring, out: Float64Array): void {
  const { pos, gauss, gaussPow, corrT } = s;
  const n = pos.length;
  let mx = 0;
  for (let j = 0; j < n; j++) mx += gaussPow[codes[pos[j]!]!]!;
  mx /= n;
  let sxy = 0;
  let sxx = 0;
  const { mmcT, mmcM } = s;
  if (!mmcT || !mmcM) {
    for (let j = 0; j < n; j++) {
      const dx = gaussPow[codes[pos[j]!]!]! - mx;
      sxy += dx * corrT[j]!;
      sxx += dx * dx;
    }
    out[0] = sxy / Math.sqrt(sxx * s.tss);
    out[1] = Number.NaN;
    return;
  }
  let tp = 0;
  let pm = 0;
  for (let j = 0; j < n; j++) {
    const c = codes[pos[j]!]!;
    const dx = gaussPow[c]! - mx;
    sxy += dx * corrT[j]!;
    sxx += dx * dx;
    const p = gauss[c]!;
    tp += mmcT[j]! * p;
    pm += p * mmcM[j]!;
  }
  out[0] = sxy / Math.sqrt(sxx * s.tss);
  out[1] = (tp - (pm / s.mm) * s.tm) / n;
}
