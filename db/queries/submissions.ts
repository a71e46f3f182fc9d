import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { newId } from "../ids";
import { type Submission, submissions } from "../schema";

export interface NewSubmissionInput {
  modelId: string;
  round: number;
  canonicalCsv: string;
  sha256: string;
  late: boolean;
}

/**
 * Records a submission. An on-time one becomes the selected one for its model and round (the
 * previous selection is cleared in the same transaction); a late one is kept but never selected.
 */
export async function createSubmission(db: Db, input: NewSubmissionInput): Promise<Submission> {
  return db.transaction(async (tx) => {
    if (!input.late) {
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
      .values({ id: newId("sub"), ...input, selected: !input.late })
      .returning();
    return row!;
  });
}

export async function selectedSubmissions(db: Db, round: number): Promise<Submission[]> {
  return db
    .select()
    .from(submissions)
    .where(and(eq(submissions.round, round), eq(submissions.selected, true)))
    .orderBy(submissions.modelId);
}

export async function modelSubmissions(db: Db, modelId: string, limit = 100) {
  return db
    .select({
      id: submissions.id,
      round: submissions.round,
      sha256: submissions.sha256,
      selected: submissions.selected,
      late: submissions.late,
      createdAt: submissions.createdAt,
    })
    .from(submissions)
    .where(eq(submissions.modelId, modelId))
    .orderBy(desc(submissions.id))
    .limit(limit);
}
