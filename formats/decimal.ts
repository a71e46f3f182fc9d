/**
 * Powers of ten that are exact doubles (up to 1e22): `m / POW10[k]` with an integer `m` below
 * 2^53 is one correctly rounded division, i.e. exactly `Number` of the decimal `m`e-`k`. The one
 * table, used by every CSV reader (./csv.ts, ./csv-canonical.ts) and ./long-decimal.ts.
 */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);
