import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { newBytes32 } from "../ids";
import { type Model, models } from "../schema";
import { preparedFor } from "./prepared";

/** Creates a model; null when the name is taken (the unique index decides races). */
export async function createModel(db: Db, accountId: string, name: string): Promise<Model | null> {
  const [model] = await db
    .insert(models)
    .values({ id: newBytes32(), accountId, name })
    .onConflictDoNothing({ target: models.name })
    .returning();
  return model ?? null;
}

const modelById = (db: Db, name: string) =>
  db
    .select()
    .from(models)
    .where(eq(models.id, sql.placeholder("id")))
    .prepare(name);

export async function getModel(db: Db, id: string): Promise<Model | undefined> {
  const [model] = await preparedFor(db, "model_by_id", modelById).execute({
    id: id.toLowerCase(),
  });
  return model;
}

export async function getModelByName(db: Db, name: string): Promise<Model | undefined> {
  const [model] = await db.select().from(models).where(eq(models.name, name));
  return model;
}

export async function accountModels(db: Db, accountId: string): Promise<Model[]> {
  return db.select().from(models).where(eq(models.accountId, accountId)).orderBy(models.name);
}
