import { type Db, getModel, createModel as insertModel, type Model } from "../../db";
import { DomainError } from "../errors";
import type { DomainServices } from "./services";

/** Creates a model for an account: 409 `conflict` when the name is taken. */
export async function createModel(
  s: Pick<DomainServices, "db">,
  input: { accountId: string; name: string },
): Promise<Model> {
  const model = await insertModel(s.db, input.accountId, input.name);
  if (!model) throw new DomainError("conflict", `Model name '${input.name}' is taken`);
  return model;
}

/** A model's id and owner: fixed for the model's life, so they are cached once read. */
export type ModelOwner = { id: string; accountId: string };
const owners = new WeakMap<Db, Map<string, ModelOwner>>();
const MAX_OWNERS = 50_000;

async function modelOwner(db: Db, id: string): Promise<ModelOwner | undefined> {
  let known = owners.get(db);
  if (!known) {
    known = new Map();
    owners.set(db, known);
  }
  const key = id.toLowerCase();
  const hit = known.get(key);
  if (hit) return hit;
  const model = await getModel(db, key);
  if (!model) return undefined; // unknown ids are not cached: the model may be created next
  if (known.size >= MAX_OWNERS) known.clear();
  const owner = { id: model.id, accountId: model.accountId };
  known.set(key, owner);
  return owner;
}

/**
 * The model `id` when `accountId` may act on it: 404 `not_found` for an unknown model, 403
 * `forbidden` for another account's. A model's owner never changes, so each process reads it
 * from the database once (submissions are the hot path).
 */
export async function ownedModel(db: Db, accountId: string, id: string): Promise<ModelOwner> {
  const model = await modelOwner(db, id);
  if (!model) throw new DomainError("not_found", "No such model");
  if (model.accountId !== accountId) throw new DomainError("forbidden", "Not your model");
  return model;
}
