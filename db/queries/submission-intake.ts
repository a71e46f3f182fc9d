import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { newId } from "../ids";
import { type RoundStatus, rounds, submissions } from "../schema";

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
export async function intakeRound(db: Db, wanted?: number): Promise<IntakeRound | undefined> {
  const rows = await db
    .select(intakeColumns)
    .from(rounds)
    .where(wanted ? eq(rounds.number, wanted) : inArray(rounds.status, ["open", "closed"]))
    .orderBy(desc(rounds.number))
    .limit(2);
  return rows.find((r) => r.status === "open") ?? rows[0];
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
  canonicalCsv: string;
  sha256: string;
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
 * Stores a submission and decides whether it is late in the same transaction: the round row is
 * read `FOR SHARE`, so a close (an UPDATE of that row) waits for this transaction, or this one
 * waits for the close and then sees the round closed. A submission racing a close is therefore
 * either on time and selected before the close commits (so the close's commitment includes it),
 * or late. Late means the round is no longer open or `now()` (taken after the lock) is past
 * `closesAt`. An on-time submission becomes the selected one for its model and round.
 * Returns undefined (and writes nothing) when the round does not exist.
 */
export async function storeSubmission(
  db: Db,
  input: IntakeSubmission,
  now: () => Date = () => new Date(),
): Promise<StoredSubmission | undefined> {
  return db.transaction(async (tx) => {
    const [round] = await tx
      .select({ status: rounds.status, closesAt: rounds.closesAt })
      .from(rounds)
      .where(eq(rounds.number, input.round))
      .for("share");
    if (!round) return undefined;
    const late = round.status !== "open" || now() >= round.closesAt;
    if (!late) {
      await tx
        .update(submissions)
        .set({ selected: false })
        .where(
          and(
            eq(submissions.modelId, input.modelId),
            eq(submissions.round, input.round),
            eq(submissions.selected, true),
          ),
        );
    }
    const [row] = await tx
      .insert(submissions)
      .values({ id: newId("sub"), ...input, selected: !late, late })
      .returning({
        id: submissions.id,
        round: submissions.round,
        sha256: submissions.sha256,
        selected: submissions.selected,
        late: submissions.late,
        createdAt: submissions.createdAt,
      });
    return row!;
  });
}
