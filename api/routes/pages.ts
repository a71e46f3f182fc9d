import { z } from "@hono/zod-openapi";
import { INT4_MAX } from "../../db";

/**
 * `?limit=&cursor=` for keyset-paginated lists. The cursor is whatever the previous page's
 * `nextCursor` was; clients treat it as opaque. `nextCursor` is null on the last page.
 */
export function pageQuery(defaultLimit: number, maxLimit: number) {
  return z.object({
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
    cursor: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "nextCursor of the previous page" }),
  });
}

/** The cursor for the page after `rows` (fetched with `limit + 1`), or null on the last page. */
export function nextCursor<T>(rows: readonly T[], limit: number, key: (row: T) => string) {
  return rows.length > limit ? key(rows[limit - 1]!) : null;
}

export { INT4_MAX };

/**
 * A positive integer from a path or query string that the database can hold: digits only (no
 * sign, exponent, hex or spaces), 1 to 2^31 - 1. Every round number and numeric cursor uses it,
 * so an out-of-range value is a 400 on every route rather than a database error.
 */
export const positiveInt = () =>
  z
    .string()
    .regex(/^[1-9]\d{0,9}$/, "a positive integer")
    .transform(Number)
    .pipe(z.number().int().max(INT4_MAX, `at most ${INT4_MAX}`))
    .openapi({ type: "integer", minimum: 1, maximum: INT4_MAX });

/** `{number}` in a round's path. */
export const RoundParam = z.object({ number: positiveInt() });
