/** The ack contract: every request is answered with one of these shapes, never silence. */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_PAYLOAD',
  'RATE_LIMITED',
  'CONFLICT',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AckFailure {
  success: false;
  code: ErrorCode;
  error: string;
}

export type AckSuccess<T> = { success: true } & T;
export type Ack<T> = AckSuccess<T> | AckFailure;
export type AckFn<T> = (response: Ack<T>) => void;

/** HTTP status for each code, so REST routes and acks never disagree. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_PAYLOAD: 400,
  RATE_LIMITED: 429,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
