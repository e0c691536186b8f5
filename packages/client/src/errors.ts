import { type ErrorCode, isErrorCode } from '@switchboard/protocol';
import { MALFORMED_ACK, REQUEST_FAILED } from './refusals.ts';

/** A failed request: `code` is the server's ack code, or UNAVAILABLE for timeouts and lost connections. */
export class SwitchboardError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SwitchboardError';
  }
}

/** Turn whatever came back as an ack into a result or a SwitchboardError (acks come off the wire untyped). */
export function settleAck(ack: unknown): { ok: true; value: unknown } | { ok: false; error: SwitchboardError } {
  if (ack === null || typeof ack !== 'object') {
    return { ok: false, error: new SwitchboardError('INTERNAL', MALFORMED_ACK) };
  }
  const record = ack as Record<string, unknown>;
  if (record.success === true) return { ok: true, value: record };
  const code = isErrorCode(record.code) ? record.code : 'INTERNAL';
  const message = typeof record.error === 'string' ? record.error : REQUEST_FAILED;
  return { ok: false, error: new SwitchboardError(code, message) };
}
