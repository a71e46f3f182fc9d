/**
 * The canonical order of a round's ids: by UTF-16 code units (JavaScript's default string sort,
 * pandas' `sort_index` on strings). Stored predictions (`db/predictions.ts`) hold one number per
 * live id in this order, and the canonical CSV that is hashed lists the ids in it; the API that
 * stores, the worker that scores and the bundle that publishes all sort with this one function.
 */
export function canonicalIdOrder(ids: Iterable<string>): string[] {
  // The default comparison is by code units, with no JavaScript callback per comparison.
  return [...ids].sort();
}
