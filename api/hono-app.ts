import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./context";
import { DomainError } from "./errors";

/**
 * The type every route's `register(app)` takes, and the bare app it is: a zod-openapi Hono app
 * whose requests that fail their route's schema answer 400 `validation_failed`. Its own module,
 * so routes import it without importing api/app.ts (which imports the routes).
 */
export type App = OpenAPIHono<AppEnv>;

/** A new, empty app: no middleware, no routes (api/app.ts adds them). */
export function newHonoApp(): App {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new DomainError("validation_failed", "Request did not match the schema", {
          issues: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        });
      }
    },
  });
}
