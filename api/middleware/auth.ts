import type { Context, MiddlewareHandler } from "hono";
import type { ApiScope, Db } from "../../db";
import { findActiveKey, getModel } from "../../db";
import type { AppEnv, AuthInfo } from "../context";
import { ApiError } from "../errors";
import { chargeAuthFailure } from "./rate-limit";

/** Reads `Authorization: Bearer <key>` when present; routes decide whether they need it. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  if (header) {
    const match = /^Bearer\s+(\S{1,200})$/i.exec(header);
    if (!match) {
      await chargeAuthFailure(c);
      throw new ApiError("unauthorized", "Authorization header must be 'Bearer <key>'");
    }
    const found = await findActiveKey(c.get("services").db, match[1]!);
    if (!found) {
      // Failed attempts are limited per address (AUTH_FAILURES_PER_MINUTE), then answer 429.
      await chargeAuthFailure(c);
      throw new ApiError("unauthorized", "Unknown or revoked API key");
    }
    c.set("auth", { account: found.account, key: found.key, scopes: found.key.scopes });
  }
  await next();
};

/** The caller's identity, or 401/403 when it is missing or lacks `scope`. */
export function requireAuth(c: Context<AppEnv>, scope: ApiScope): AuthInfo {
  const auth = c.get("auth");
  if (!auth) throw new ApiError("unauthorized", "This endpoint needs an API key (Bearer token)");
  if (!auth.scopes.includes(scope)) {
    throw new ApiError("forbidden", `This endpoint needs the '${scope}' scope`, {
      scopes: auth.scopes,
    });
  }
  return auth;
}

/** A model's id and owner: fixed for the model's life, so they are cached once read. */
type ModelOwner = { id: string; accountId: string };
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
 * The model `id` when the caller may act on it: 401/403 as `requireAuth` for `scope`, 404 for
 * an unknown model, 403 for another account's model. A model's owner never changes, so each
 * process reads it from the database once (submissions are the hot path).
 */
export async function requireOwnedModel(c: Context<AppEnv>, id: string, scope: ApiScope) {
  const auth = requireAuth(c, scope);
  const model = await modelOwner(c.get("services").db, id);
  if (!model) throw new ApiError("not_found", "No such model");
  if (model.accountId !== auth.account.id) throw new ApiError("forbidden", "Not your model");
  return { auth, model };
}
