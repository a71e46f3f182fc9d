import { and, eq } from "drizzle-orm";
import type { Db } from "../client";
import { scores, submissions } from "../schema";

/** A selected submission with its content, for receipts and round bundles. */
export async function submissionById(db: Db, modelId: string, id: string) {
  const [row] = await db
    .select()
    .from(submissions)
    .where(and(eq(submissions.id, id), eq(submissions.modelId, modelId.toLowerCase())));
  return row;
}

/** Every scored model of a round with the submission it was scored on. */
export async function roundScoredSubmissions(db: Db, round: number) {
  return db
    .select({ score: scores, submission: submissions })
    .from(scores)
    .innerJoin(submissions, eq(submissions.id, scores.submissionId))
    .where(eq(scores.round, round))
    .orderBy(scores.modelId);
}
