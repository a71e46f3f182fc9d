import { desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { newId } from "../ids";
import { encodePredictions } from "../predictions";
import { type RoundStatus, rounds } from "../schema";
import { preparedFor, queryPrepared } from "./prepared";

/** The few round columns a submission needs (not the live file itself). */
export interface IntakeRound {
  number: number;
  status: RoundStatus;
  closesAt: Date;
  liveSha256: string;
}

const intakeColumns = {
  number: rounds.number,
  status: rounds.status,
  closesAt: rounds.closesAt,
  liveSha256: rounds.liveSha256,
};

/**
 * The round a submission goes to: round `wanted` if given, else the open round, else (a late
 * submission) the newest closed one. Reads no live data; see `roundLiveCsv`.
 */
const roundByNumber = (db: Db, name: string) =>
  db
    .select(intakeColumns)
    .from(rounds)
    .where(eq(rounds.number, sql.placeholder("number")))
    .prepare(name);

const newestTakingRounds = (db: Db, name: string) =>
  db
    .select(intakeColumns)
    .from(rounds)
    .where(inArray(rounds.status, ["open", "closed"]))
    .orderBy(desc(rounds.number))
    .limit(2)
    .prepare(name);

export async function intakeRound(db: Db, wanted?: number): Promise<IntakeRound | undefined> {
  const rows = wanted
    ? await preparedFor(db, "intake_round_by_number", roundByNumber).execute({ number: wanted })
    : await preparedFor(db, "intake_round_newest", newestTakingRounds).execute();
  return rows.find((r) => r.status === "open") ?? rows[0];
}

/**
 * The intake round as this process last read it (reading it the first time): rounds open and
 * close rarely, so submissions skip the lookup, and `storeSubmission` with `auto` checks under
 * the round lock that the rule still gives that round. `forgetIntakeRound` after a "stale".
 */
const remembered = new WeakMap<Db, IntakeRound>();
export async function rememberedIntakeRound(db: Db): Promise<IntakeRound | undefined> {
  const known = remembered.get(db);
  if (known) return known;
  const round = await intakeRound(db);
  if (round) remembered.set(db, round);
  return round;
}
export function forgetIntakeRound(db: Db): void {
  remembered.delete(db);
}

export async function roundLiveCsv(db: Db, number: number): Promise<string | undefined> {
  const [row] = await db
    .select({ liveCsv: rounds.liveCsv })
    .from(rounds)
    .where(eq(rounds.number, number));
  return row?.liveCsv;
}

export interface IntakeSubmission {
  modelId: string;
  round: number;
  /** The canonical content's numbers in canonical order (stored as `encodePredictions`). */
  predictions: Float64Array;
  /** SHA-256 of the canonical CSV. */
  sha256: string;
  /**
   * The round was picked by the intake rule (`intakeRound` without a wanted round), possibly
   * from `rememberedIntakeRound`: the store checks the rule still gives it, else answers "stale".
   */
  auto?: boolean;
}

export interface StoredSubmission {
  id: string;
  round: number;
  sha256: string;
  selected: boolean;
  late: boolean;
  createdAt: Date;
}

/**
 * Stores a submission and decides whether it is late, atomically, in one statement: the
 * `store_submission` function (migrations 0007 and 0008).
 *
 * The round row is read `FOR SHARE`: a close (an UPDATE of that row) waits for this statement,
 * or this one waits for the close and then reads the round closed. A submission racing a close
 * is therefore either on time and selected before the close commits (so the close's commitment
 * includes it), or late. Late means the round is no longer open or `now` (when the request came
 * in) is at or past `closesAt`.
 *
 * The model row is locked too (`FOR NO KEY UPDATE`, which foreign-key checks do not wait for),
 * so two submissions of one model are stored one after the other: the function's next statement
 * then runs on a new snapshot that sees the first one's row and clears its selection. Without
 * it, both could stay selected. An on-time submission becomes the selected one for its model
 * and round. Returns undefined (and writes nothing) when the round or model does not exist, and
 * "stale" (writing nothing) when `input.auto` and the intake rule now gives another round
 * (migration 0007).
 */
const STORE =
  "select * from store_submission($1::text, $2::text, $3::integer, $4::bytea, $5::text, $6::timestamptz, $7::boolean)";

export async function storeSubmission(
  db: Db,
  input: IntakeSubmission,
  now: Date = new Date(),
): Promise<StoredSubmission | "stale" | undefined> {
  const rows = await queryPrepared(db, STORE, [
    newId("sub"),
    input.modelId,
    input.round,
    encodePredictions(input.predictions),
    input.sha256,
    now.toISOString(),
    input.auto ?? false,
  ]);
  const row = rows[0];
  if (!row) return undefined;
  if (row.stale === true) return "stale";
  return {
    id: row.id as string,
    round: Number(row.round),
    sha256: row.sha256 as string,
    selected: row.selected as boolean,
    late: row.late as boolean,
    createdAt: new Date(row.created_at as string | Date),
  };
}
