import type { Round } from "../../db";
import { parseLive } from "./live";

/** Parsed live ids per round, so each submission does not re-parse the round's live file. */
const cache = new Map<string, ReadonlySet<string>>();

export function liveIdSet(
  round: Pick<Round, "number" | "liveSha256" | "liveCsv">,
): ReadonlySet<string> {
  const key = `${round.number}:${round.liveSha256}`;
  let ids = cache.get(key);
  if (!ids) {
    ids = new Set(parseLive(new TextEncoder().encode(round.liveCsv)).ids);
    if (cache.size > 64) cache.clear();
    cache.set(key, ids);
  }
  return ids;
}
