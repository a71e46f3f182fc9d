import { canonicalIdOrder, type Round } from "../../db";
import { parseLive } from "./live";

/**
 * A round's live ids, prepared once per round for every submission: the ids in canonical
 * order (JS string order) and each id's position in it, so canonicalising a submission places
 * values by position instead of sorting.
 */
export interface LiveIndex {
  readonly size: number;
  /** Live ids sorted as the canonical file lists them. */
  readonly sorted: readonly string[];
  /** Position of each live id in `sorted`. */
  readonly pos: ReadonlyMap<string, number>;
  /** Position in `sorted` of the live file's row i (files often come back in that order). */
  readonly fileOrder: Int32Array;
  has(id: string): boolean;
}

const cache = new Map<string, LiveIndex>();

export function liveIndexKey(round: Pick<Round, "number" | "liveSha256">): string {
  return `${round.number}:${round.liveSha256}`;
}

/** The cached index of a round, if this process has built it already. */
export function cachedLiveIndex(round: Pick<Round, "number" | "liveSha256">) {
  return cache.get(liveIndexKey(round));
}

const loading = new Map<string, Promise<LiveIndex | undefined>>();

/**
 * A round's index, from the cache or built from the live CSV that `read` fetches (undefined when
 * the round is gone). Concurrent callers for one round share one fetch and one build: the first
 * submissions after a start or a new round would otherwise each read and parse the live file.
 */
export function loadLiveIndex(
  round: Pick<Round, "number" | "liveSha256">,
  read: () => Promise<string | undefined>,
  prepare?: (index: LiveIndex) => void,
): Promise<LiveIndex | undefined> | LiveIndex {
  const hit = cachedLiveIndex(round);
  if (hit) return hit;
  const key = liveIndexKey(round);
  let pending = loading.get(key);
  if (!pending) {
    pending = read()
      .then((liveCsv) => {
        if (liveCsv === undefined) return undefined;
        const index = liveIndex({ ...round, liveCsv });
        prepare?.(index);
        return index;
      })
      .finally(() => loading.delete(key));
    loading.set(key, pending);
  }
  return pending;
}

/** Parsed live ids per round, so each submission does not re-parse the round's live file. */
export function liveIndex(round: Pick<Round, "number" | "liveSha256" | "liveCsv">): LiveIndex {
  const key = liveIndexKey(round);
  let index = cache.get(key);
  if (!index) {
    const fileIds = parseLive(new TextEncoder().encode(round.liveCsv)).ids;
    const sorted = canonicalIdOrder(fileIds);
    const pos = new Map<string, number>();
    for (let i = 0; i < sorted.length; i++) pos.set(sorted[i]!, i);
    const fileOrder = Int32Array.from(fileIds, (id) => pos.get(id)!);
    index = { size: sorted.length, sorted, pos, fileOrder, has: (id) => pos.has(id) };
    if (cache.size > 64) cache.clear();
    cache.set(key, index);
  }
  return index;
}

/** The live ids of a round as a set-like view (targets validation). */
export function liveIdSet(round: Pick<Round, "number" | "liveSha256" | "liveCsv">) {
  return liveIndex(round);
}
