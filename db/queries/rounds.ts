import { and, asc, desc, eq, getTableColumns, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type NewRound, type Round, type RoundStatus, roundMeta, rounds } from "../schema";
import { enqueueJob, rescheduleJob } from "./jobs";
import { emitEvent } from "./webhooks";

/** A new round's columns; its live file as text, or as the UTF-8 bytes an upload gave. */
export type NewRoundInput = Omit<NewRound, "number" | "status" | "opensAt" | "liveCsv"> & {
  liveCsv: string | Uint8Array;
};

/** How much of a big text column one statement writes (see `createRound`). */
const PART_BYTES = 1 << 20;

/**
 * UTF-8 bytes as text, a part of at most about `PART_BYTES` at a time, each cut after a line
 * feed (else before a character's first byte), so each part decodes on its own: Node's
 * streaming decoder is about five times slower than a whole-buffer decode.
 */
function* utf8Parts(bytes: Uint8Array): Generator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  for (let at = 0; at < bytes.length; ) {
    let end = Math.min(bytes.length, at + PART_BYTES);
    if (end < bytes.length) {
      const lf = bytes.lastIndexOf(0x0a, end - 1);
      if (lf >= at) end = lf + 1;
      else while (end > at + 1 && (bytes[end]! & 0xc0) === 0x80) end--;
    }
    yield decoder.decode(bytes.subarray(at, end));
    at = end;
  }
}

/**
 * Opens the next round and queues its on-chain opening, atomically; answers its summary. A live
 * file given as bytes is written a part at a time (parts joined by the database, once, in the
 * same transaction): one 24 MB parameter held the event loop's thread 200-400 ms while the
 * driver encoded and copied it, a 1 MB part a few milliseconds.
 */
export async function createRound(db: Db, input: NewRoundInput): Promise<RoundSummary> {
  const live = input.liveCsv;
  const parts = typeof live === "string" ? [live][Symbol.iterator]() : utf8Parts(live);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    // Serialise numbering: concurrent creators wait here instead of colliding on the key.
    await t.execute(sql`lock table rounds in share row exclusive mode`);
    const [last] = await t
      .select({ number: rounds.number })
      .from(rounds)
      .orderBy(desc(rounds.number))
      .limit(1);
    const number = (last?.number ?? 0) + 1;
    const [round] = await t
      .insert(rounds)
      .values({
        ...input,
        liveCsv: parts.next().value ?? "",
        number,
        status: "open",
        opensAt: new Date(),
      })
      .returning(summaryColumns);
    let part = parts.next();
    if (!part.done) {
      await t.execute(
        sql`create temp table round_file_parts (seq int primary key, part text not null) on commit drop`,
      );
      // Decoded one at a time, between statements: the event loop serves others in between.
      for (let seq = 1; !part.done; seq++, part = parts.next()) {
        await t.execute(sql`insert into round_file_parts values (${seq}, ${part.value})`);
      }
      await t.execute(
        sql`update rounds set live_csv = live_csv || (select string_agg(part, '' order by seq) from round_file_parts) where number = ${number}`,
      );
    }
    await enqueueJob(t, "round.open", { round: number }, { key: `round.open:${number}` });
    await enqueueJob(
      t,
      "round.close",
      { round: number },
      { key: `round.close:${number}`, runAt: input.closesAt as Date },
    );
    return round!;
  });
}

export async function getRound(db: Db, number: number): Promise<Round | undefined> {
  const [round] = await db.select().from(rounds).where(eq(rounds.number, number));
  return round;
}

/**
 * A round without its files (the live and targets CSVs, about 24 MB each at Numerai's 2,376
 * features): what listings, the current round and the round's JSON need. Reading whole rows
 * there cost every `GET /v1/rounds/current` 300-400 ms with such a live file.
 */
export type RoundSummary = Omit<Round, "liveCsv" | "targetsCsv">;
const { liveCsv: _live, targetsCsv: _targets, ...summaryColumns } = getTableColumns(rounds);

/** A round's summary (no files). */
export async function getRoundSummary(db: Db, number: number): Promise<RoundSummary | undefined> {
  const [round] = await db.select(summaryColumns).from(rounds).where(eq(rounds.number, number));
  return round;
}

/** Rounds newest first, `before` a round number (cursor); summaries without their files. */
export async function listRounds(
  db: Db,
  opts: { before?: number; limit: number },
): Promise<RoundSummary[]> {
  const q = db.select(summaryColumns).from(rounds);
  const filtered = opts.before !== undefined ? q.where(lt(rounds.number, opts.before)) : q;
  return filtered.orderBy(desc(rounds.number)).limit(opts.limit);
}

/** The newest round still taking submissions (its summary, without files). */
export async function currentRound(db: Db): Promise<RoundSummary | undefined> {
  const [round] = await db
    .select(summaryColumns)
    .from(rounds)
    .where(eq(rounds.status, "open"))
    .orderBy(desc(rounds.number))
    .limit(1);
  return round;
}

/** Moves a round from one status to the next; false if it was not in `from`. */
export async function transitionRound(
  db: Db,
  number: number,
  from: RoundStatus,
  to: RoundStatus,
  patch: Partial<NewRound> = {},
): Promise<boolean> {
  const rows = await db
    .update(rounds)
    .set({ ...patch, status: to })
    .where(and(eq(rounds.number, number), eq(rounds.status, from)))
    .returning({ number: rounds.number });
  return rows.length === 1;
}

/**
 * Records a round cancelled on chain (R8: anyone may cancel an overdue round) as `cancelled`,
 * from any status it can be cancelled in (closed or resolved on chain; scored here), with its
 * `round.cancelled` event. The one write path for it: the indexer calls it when it sees the
 * RoundCancelled event, the scoring and settling jobs when they find the round cancelled. True
 * when this call recorded it.
 */
export async function recordRoundCancelled(db: Db, number: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const rows = await t
      .update(rounds)
      .set({ status: "cancelled" })
      .where(
        and(eq(rounds.number, number), inArray(rounds.status, ["closed", "resolved", "scored"])),
      )
      .returning({ number: rounds.number });
    if (rows.length !== 1) return false;
    await emitEvent(t, "round.cancelled", { round: number }, `round.cancelled:${number}`);
    return true;
  });
}

export async function updateRound(db: Db, number: number, patch: Partial<NewRound>) {
  await db.update(rounds).set(patch).where(eq(rounds.number, number));
}

/** Closes an open round now (submissions after this are late) and runs its close job now. */
export async function closeRoundNow(db: Db, number: number): Promise<boolean> {
  const closed = await transitionRound(db, number, "open", "closed", { closedAt: new Date() });
  if (closed) await rescheduleJob(db, `round.close:${number}`, new Date());
  return closed;
}

/** Publishes a closed round's targets and queues its scoring, atomically. */
export async function publishTargets(
  db: Db,
  number: number,
  targetsCsv: string,
  targetsSha256: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const moved = await transitionRound(t, number, "closed", "resolved", {
      targetsCsv,
      targetsSha256,
      resolvedAt: new Date(),
    });
    if (moved)
      await enqueueJob(t, "round.score", { round: number }, { key: `round.score:${number}` });
    return moved;
  });
}

/** A split round's shared scoring inputs (meta model, total stake, parts). */
export async function getRoundMeta(db: Db, number: number) {
  const [row] = await db.select().from(roundMeta).where(eq(roundMeta.round, number));
  return row;
}

/** The earliest round numbered below `number` that is still open, if any (rounds close in order). */
export async function openRoundBefore(db: Db, number: number): Promise<number | undefined> {
  const [row] = await db
    .select({ number: rounds.number })
    .from(rounds)
    .where(and(lt(rounds.number, number), eq(rounds.status, "open")))
    .orderBy(asc(rounds.number))
    .limit(1);
  return row?.number;
}
