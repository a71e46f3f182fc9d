import { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every machine-readable error code the API can answer with, and its HTTP status. */
export const errorStatus = {
  bad_request: 400,
  validation_failed: 400,
  invalid_csv: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  wallet_already_linked: 409,
  round_not_open: 409,
  round_state: 409,
  no_validation_set: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_submission_headers: 422,
  invalid_submission_values: 422,
  invalid_submission_ids: 422,
  invalid_live_file: 422,
  invalid_targets_file: 422,
  invalid_wallet_proof: 422,
  invalid_diagnostics: 422,
  invalid_validation_file: 422,
  diagnostics_unknown_ids: 422,
  diagnostics_duplicate_ids: 422,
  diagnostics_missing_ids: 422,
  webhook_url_refused: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

/** The codes, for the OpenAPI document's enum (generated clients switch on them). */
export const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];

/** A failure the route layer turns into the one error envelope. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }
}

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

export const errorBody = (err: ApiError, requestId?: string) => ({
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
