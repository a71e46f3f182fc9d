import { z } from "@hono/zod-openapi";

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
