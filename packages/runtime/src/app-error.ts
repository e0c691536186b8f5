import { type AckFailure, type ErrorCode, HTTP_STATUS, isErrorCode } from '@switchboard/protocol';
import { isConnectionFailure } from './connection-failure.ts';
import { REFUSALS } from './refusals.ts';

/** Thrown inside services; turned into an ack or an HTTP status at the edge. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return (
    error instanceof AppError ||
    (error instanceof Error && error.name === 'AppError' && isErrorCode((error as AppError).code))
  );
}

/**
 * The ack body for any error; unknown errors never leak their message or stack. A lost database
 * connection is UNAVAILABLE (retry), not INTERNAL: it is an outage, not a bug.
 */
export function toAckFailure(error: unknown): AckFailure {
  if (isAppError(error)) return { success: false, code: error.code, error: error.message };
  if (isConnectionFailure(error))
    return { success: false, code: 'UNAVAILABLE', error: REFUSALS.backingServerUnreachable };
  return { success: false, code: 'INTERNAL', error: REFUSALS.internal };
}

/** The message of anything thrown, for a log field or a line for a person (never the stack). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
