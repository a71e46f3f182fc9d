import type { Context } from "hono";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";
import { requireAuth } from "../middleware/auth";

/** The validation_failed error for form fields, in the envelope's `details.issues` shape. */
export const invalidFields = (issues: readonly { path: PropertyKey[]; message: string }[]) =>
  new ApiError("validation_failed", "Invalid form fields", {
    issues: issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  });

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
