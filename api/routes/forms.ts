import type { Context } from "hono";
import type { AppEnv } from "../context";
import { invalidFields } from "../errors";
import { requireAuth } from "../middleware/auth";

export { invalidFields };

/**
 * The hook of the operator's multipart routes, which read their form in the handler (after
 * the auth check and under the upload limit): a form the schema refuses still answers with
 * the error envelope, and a caller without the operator scope hears 401/403 first.
 */
export const formHook = (
  result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } },
  c: Context<AppEnv>,
): undefined => {
  if (result.success) return undefined;
  requireAuth(c, "operator");
  throw invalidFields(result.error?.issues ?? []);
};
