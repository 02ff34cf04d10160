import type { components } from "./schema";

/** An error code of the API (API.md §1), from the OpenAPI Error schema. */
export type ErrorCode = components["schemas"]["Error"]["code"];

/** One bad field of a validation error (422/40001). */
export type FieldDetail = components["schemas"]["FieldDetail"];

/** Codes the client itself uses when there is no server reply. */
export const NETWORK_ERROR = -1;
export const BAD_REPLY = -2;

/**
 * ApiError is every failure of a call: the server's error envelope (code,
 * Chinese message, details, request id) with the HTTP status, or, with
 * status 0, a network failure (code NETWORK_ERROR) or a reply that was no
 * envelope (code BAD_REPLY).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | typeof NETWORK_ERROR | typeof BAD_REPLY;
  readonly details: FieldDetail[];
  readonly requestId: string;
  /** Seconds from the Retry-After header (429, 503), if any. */
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    code: ApiError["code"];
    message: string;
    details?: FieldDetail[] | null;
    requestId?: string;
    retryAfter?: number;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.requestId = init.requestId ?? "";
    this.retryAfter = init.retryAfter;
  }

  /** The message for one field (details[].field is the JSON path), if any. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((d) => d.field === field)?.message;
  }

  /** Whether the same request may succeed later: network, 429, 5xx. */
  get retryable(): boolean {
    return this.status === 0 ? this.code === NETWORK_ERROR : this.status === 429 || this.status >= 500;
  }
}
