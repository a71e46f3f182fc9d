import { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type DomainError, errorCodes } from "../errors";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes).openapi({
        example: "not_found",
        description: "machine-readable; each code always comes with the same HTTP status",
      }),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string().optional(),
    }),
  })
  .openapi("Error");

/** The one error envelope. */
export const errorBody = (err: DomainError, requestId?: string) => ({
  error: {
    code: err.code,
    message: err.message,
    ...(err.details === undefined ? {} : { details: err.details }),
    ...(requestId ? { requestId } : {}),
  },
});

/** OpenAPI response entries for the errors a route can return. */
export function errorResponses(...codes: ContentfulStatusCode[]) {
  const out: Record<
    number,
    { description: string; content: Record<string, { schema: typeof ErrorSchema }> }
  > = {};
  for (const status of codes) {
    out[status] = {
      description: "Error",
      content: { "application/json": { schema: ErrorSchema } },
    };
  }
  return out;
}
