import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../context";
import { invalidFields } from "../errors";
import type { App } from "../hono-app";
import { requireAuth } from "../middleware/auth";

export { invalidFields };

/**
 * The hook of the operator's multipart routes: a path or query the schema refuses still
 * answers with the error envelope, and a caller without the operator scope hears 401/403 first.
 */
export const formHook = (
  result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } },
  c: Context<AppEnv>,
): undefined => {
  if (result.success) return undefined;
  requireAuth(c, "operator");
  throw invalidFields(result.error?.issues ?? []);
};

/**
 * Registers an operator's multipart route: documented in full (its form's schema included), but
 * served without zod-openapi's form validator, which would parse the whole form on the event
 * loop's thread before the handler runs (300-700 ms for a 24 MB live file). The handler checks
 * the caller first, then reads the form with `readFormFile` (on an upload thread) and checks
 * its fields with the form's schema. The path and query are still validated, through `formHook`.
 */
export function openapiForm<R extends RouteConfig>(
  app: App,
  route: R,
  handler: RouteHandler<R, AppEnv>,
): void {
  app.openAPIRegistry.registerPath(route);
  const { body: _form, ...request } = route.request ?? {};
  app.openapi({ ...route, request, hide: true }, handler as never, formHook as never);
}
