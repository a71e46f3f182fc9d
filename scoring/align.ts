import { ScoringError } from "./errors";

/** The largest share of an input's ids that alignment may drop before it is an error. */
export const MAX_DROPPED_RATIO = 0.2;

/** Positions of a common, sorted id set in each input. */
export interface Alignment {
  /** Ids present in every input, sorted by code unit (like pandas' sort_index on strings). */
  readonly ids: string[];
  /** `index[k][j]` is the position in input `k` of `ids[j]`. */
  readonly index: Int32Array[];
}

/** Compares ids by UTF-16 code units, the order `sort_index` gives. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Map from id to position; throws `duplicate_ids` on a repeated id. */
export function indexIds(ids: readonly string[], what: string): Map<string, number> {
  const map = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (map.has(id)) {
      throw new ScoringError("duplicate_ids", `${what} has duplicate id ${JSON.stringify(id)}`, {
        what,
        id,
      });
    }
    map.set(id, i);
  }
  return map;
}

/**
 * Intersects several id lists and sorts the result by id. Dropping more than 20% of any input's
 * ids is an error (`too_many_dropped_ids`), not a smaller score; duplicate ids are an error too.
 *
 * @example
 * align([["b", "a", "c"], ["c", "a", "b", "d"]], ["predictions", "targets"])
 * // -> { ids: ["a", "b", "c"], index: [Int32Array [1, 0, 2], Int32Array [1, 2, 0]] }
 */
export function align(
  inputs: readonly (readonly string[])[],
  names: readonly string[] = inputs.map((_, k) => `input ${k}`),
  maxDroppedRatio = MAX_DROPPED_RATIO,
  cache?: IdIndexCache,
): Alignment {
  const maps = inputs.map((ids, k) => {
    let m = cache?.get(ids);
    if (!m) {
      m = indexIds(ids, names[k]!);
      cache?.set(ids, m);
    }
    return m;
  });
  // Walk the smallest input and keep the ids every other input has.
  let smallest = 0;
  for (let k = 1; k < inputs.length; k++) {
    if (inputs[k]!.length < inputs[smallest]!.length) smallest = k;
  }
  const ids: string[] = [];
  for (const id of inputs[smallest]!) {
    let everywhere = true;
    for (const m of maps) everywhere &&= m.has(id);
    if (everywhere) ids.push(id);
  }
  ids.sort(); // the default order of strings is compareIds' (code units), without a JS callback
  for (let k = 0; k < inputs.length; k++) {
    const n = inputs[k]!.length;
    const dropped = n - ids.length;
    if (n === 0 || dropped / n > maxDroppedRatio) {
      throw new ScoringError(
        "too_many_dropped_ids",
        `aligning by id would drop ${dropped} of ${n} ids of ${names[k]} ` +
          `(more than ${maxDroppedRatio * 100}%); the inputs do not describe the same rows`,
        { what: names[k], dropped, total: n },
      );
    }
  }
  const index = maps.map((m) => {
    const at = new Int32Array(ids.length);
    for (let j = 0; j < ids.length; j++) at[j] = m.get(ids[j]!)!;
    return at;
  });
  return { ids, index };
}

/**
 * Id -> position maps already built, by id array: `align` calls over the same (unchanged) id
 * arrays, e.g. while one scorer is prepared, index each array once.
 */
export type IdIndexCache = Map<readonly string[], Map<string, number>>;

/** `values` reordered (and subset) by positions: `out[j] = values[index[j]]`. */
export function take(values: Float64Array, index: Int32Array): Float64Array {
  const out = new Float64Array(index.length);
  for (let j = 0; j < index.length; j++) out[j] = values[index[j]!]!;
  return out;
}
