import type { Context, MiddlewareHandler } from "hono";
import type { ApiScope } from "../../db";
import { findActiveKey, getModel } from "../../db";
import type { AppEnv, AuthInfo } from "../context";
import { ApiError } from "../errors";

/** Reads `Authorization: Bearer <key>` when present; routes decide whether they need it. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError("unauthorized", "Authorization header must be 'Bearer <key>'");
    const found = await findActiveKey(c.get("services").db, match[1]!);
    if (!found) throw new ApiError("unauthorized", "Unknown or revoked API key");
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

/**
 * The model `id` when the caller may act on it: 401/403 as `requireAuth` for `scope`, 404 for
 * an unknown model, 403 for another account's model.
 */
export async function requireOwnedModel(c: Context<AppEnv>, id: string, scope: ApiScope) {
  const auth = requireAuth(c, scope);
  const model = await getModel(c.get("services").db, id);
  if (!model) throw new ApiError("not_found", "No such model");
  if (model.accountId !== auth.account.id) throw new ApiError("forbidden", "Not your model");
  return { auth, model };
}
