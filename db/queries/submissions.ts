import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { type Submission, submissions } from "../schema";

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
