import { type Db, getRoundSummary, type RoundSummary, roundLiveCsv } from "../../db";
import { DomainError } from "../errors";
import type { DomainServices } from "./services";

/** A round's live file as served: its summary (the hash is `round.liveSha256`) and its bytes. */
export interface LiveFile {
  round: RoundSummary;
  bytes: Uint8Array;
}

/** How many rounds' live files this process keeps (the open round's and the one before). */
const KEEP = 2;
const files = new Map<string, Uint8Array>();
const loading = new Map<string, Promise<Uint8Array>>();
const keyOf = (round: Pick<RoundSummary, "number" | "liveSha256">) =>
  `${round.number}:${round.liveSha256}`;

/**
 * Keeps a round's live file as served, from wherever this process already holds it: the
 * opening upload's bytes, or a read of the CSV for the live index (warm-up, first submission),
 * so the first download does not read the 24 MB row again.
 */
export function rememberLiveFile(
  round: Pick<RoundSummary, "number" | "liveSha256">,
  file: Uint8Array | string,
): void {
  const key = keyOf(round);
  files.delete(key);
  files.set(key, typeof file === "string" ? Buffer.from(file, "utf8") : file);
  while (files.size > KEEP) files.delete(files.keys().next().value!);
}

/** A round's live CSV read from the database, remembered for downloads on the way. */
export async function readLiveCsv(
  db: Db,
  round: Pick<RoundSummary, "number" | "liveSha256">,
): Promise<string | undefined> {
  const csv = await roundLiveCsv(db, round.number);
  if (csv !== undefined) rememberLiveFile(round, csv);
  return csv;
}

/**
 * A round's live file for download, read from the database and encoded once per round and
 * process, then served from memory to every data scientist: reading and re-encoding a 24 MB
 * row for each download held the event loop's thread about 100 ms each. The round's summary
 * (a small read) is fetched every time, so the cache is keyed by the file's hash and a changed
 * file can never be served stale. Concurrent first downloads share one read.
 */
export async function liveFile(s: Pick<DomainServices, "db">, n: number): Promise<LiveFile> {
  const round = await getRoundSummary(s.db, n);
  if (!round) throw new DomainError("not_found", `No round ${n}`);
  const key = keyOf(round);
  const hit = files.get(key);
  if (hit) {
    files.delete(key); // most recently used last
    files.set(key, hit);
    return { round, bytes: hit };
  }
  let pending = loading.get(key);
  if (!pending) {
    pending = readLiveCsv(s.db, round)
      .then((csv) => {
        if (csv === undefined) throw new DomainError("not_found", `No round ${n}`);
        return files.get(key) ?? Buffer.from(csv, "utf8");
      })
      .finally(() => loading.delete(key));
    loading.set(key, pending);
  }
  return { round, bytes: await pending };
}
