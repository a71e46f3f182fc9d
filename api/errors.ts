/**
 * The one code-to-status map and the one error type. No Hono here: domain code (api/domain)
 * throws `DomainError`, and the HTTP layer (api/http/errors.ts) turns it into the envelope.
 */

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
} as const;

export type ErrorCode = keyof typeof errorStatus;
export type ErrorStatus = (typeof errorStatus)[ErrorCode];

/** The codes, for the OpenAPI document's enum (generated clients switch on them). */
export const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];

/**
 * A refused action: a code of `errorStatus`, a message for people and optional details. Domain
 * functions return their result or throw this; the HTTP layer answers it as the one error
 * envelope with the code's status (middleware and routes throw it too, for what they refuse).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "DomainError";
  }
  get status(): ErrorStatus {
    return errorStatus[this.code];
  }
}

/** The validation_failed error for fields of a form, in the envelope's `details.issues` shape. */
export const invalidFields = (issues: readonly { path: PropertyKey[]; message: string }[]) =>
  new DomainError("validation_failed", "Invalid form fields", {
    issues: issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  });
