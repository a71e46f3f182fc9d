/**
 * Whether `err` (or what it wraps: drizzle wraps driver errors) is Postgres' unique violation
 * (SQLSTATE 23505), optionally on the named constraint or index. Both drivers report the code.
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (
    let e = err as
        | { code?: unknown; cause?: unknown; constraint_name?: unknown; constraint?: unknown }
        | undefined,
      depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (e.code === "23505") {
      if (!constraint) return true;
      const name = e.constraint_name ?? e.constraint;
      return name === undefined || name === constraint;
    }
  }
  return false;
}
