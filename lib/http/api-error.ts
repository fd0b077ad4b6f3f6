export type ErrorDetail = { path?: string; code?: string; message: string };

const STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  period_closed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  amount_out_of_range: 422,
  invalid_batch_size: 422,
  rate_limited: 429,
  service_unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof STATUS;

/** The one error type of the API; withApi() turns it into { error: { code, message, details } }. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export function errorBody(code: string, message: string, details: ErrorDetail[] = []) {
  return { error: { code, message, details } };
}
