import type { Context, MiddlewareHandler } from "hono";
import type { ApiScope } from "../../db";
import { findActiveKey } from "../../db";
import type { AppEnv, AuthInfo } from "../context";
import { ownedModel } from "../domain/models";
import { DomainError } from "../errors";
import { chargeAuthFailure } from "./rate-limit";

/** Reads `Authorization: Bearer <key>` when present; routes decide whether they need it. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  if (header) {
    const match = /^Bearer\s+(\S{1,200})$/i.exec(header);
    if (!match) {
      await chargeAuthFailure(c);
      throw new DomainError("unauthorized", "Authorization header must be 'Bearer <key>'");
    }
    const found = await findActiveKey(c.get("services").db, match[1]!);
    if (!found) {
      // Failed attempts are limited per address (AUTH_FAILURES_PER_MINUTE), then answer 429.
      await chargeAuthFailure(c);
      throw new DomainError("unauthorized", "Unknown or revoked API key");
    }
    c.set("auth", { account: found.account, key: found.key, scopes: found.key.scopes });
  }
  await next();
};

/** The caller's identity, or 401/403 when it is missing or lacks `scope`. */
export function requireAuth(c: Context<AppEnv>, scope: ApiScope): AuthInfo {
  const auth = c.get("auth");
  if (!auth) throw new DomainError("unauthorized", "This endpoint needs an API key (Bearer token)");
  if (!auth.scopes.includes(scope)) {
    throw new DomainError("forbidden", `This endpoint needs the '${scope}' scope`, {
      scopes: auth.scopes,
    });
  }
  return auth;
}

/**
 * The model `id` when the caller may act on it: 401/403 as `requireAuth` for `scope`, 404 for
 * an unknown model, 403 for another account's model. A model's owner never changes, so each
 * process reads it from the database once (submissions are the hot path).
 */
export async function requireOwnedModel(c: Context<AppEnv>, id: string, scope: ApiScope) {
  const auth = requireAuth(c, scope);
  const model = await ownedModel(c.get("services").db, auth.account.id, id);
  return { auth, model };
}
