import { HTTP_STATUS, isErrorCode } from '@switchboard/protocol';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** What is wrong with a failure body `{ success: false, code, error }`; undefined if nothing. */
function failureProblem(body: Record<string, unknown>): string | undefined {
  if (!isErrorCode(body.code)) return `unknown code ${JSON.stringify(body.code)}`;
  // INTERNAL is a known code, but garbage must never reach an unhandled error.
  if (body.code === 'INTERNAL') return 'INTERNAL: an input reached an unhandled error';
  if (typeof body.error !== 'string' || body.error.trim().length < 3) return 'no sentence in error';
  if (body.error.length > 1000) return `error is ${body.error.length} characters, not a sentence`;
  if (/\n\s+at /.test(body.error)) return 'error carries a stack trace';
  return undefined;
}

/** The ack contract: `{ success: true, … }` or `{ success: false, code, error }`. */
export function ackProblem(ack: unknown): string | undefined {
  if (!isRecord(ack)) return `ack is not an object: ${JSON.stringify(ack)?.slice(0, 100)}`;
  if (ack.success === true) return undefined;
  if (ack.success !== false) return `success is ${JSON.stringify(ack.success)}`;
  return failureProblem(ack);
}

/** The REST contract: 2xx with `success: true`, or the failure body with its code's status. */
export function restProblem(status: number, body: unknown): string | undefined {
  if (status === 204) return undefined;
  if (!isRecord(body)) return `status ${status} with a body that is not a JSON object`;
  // A success may be a plain document (`GET /api/stats`), never one that says it failed.
  if (status >= 200 && status < 300) return body.success === false ? `status ${status} with success false` : undefined;
  if (body.success !== false) return `status ${status} with success ${JSON.stringify(body.success)}`;
  const problem = failureProblem(body);
  if (problem) return problem;
  if (
    HTTP_STATUS[body.code as keyof typeof HTTP_STATUS] !== status &&
    !((status === 413 || status === 415 || status === 431) && body.code === 'INVALID_PAYLOAD')
  )
    return `status ${status} does not match code ${String(body.code)}`;
  return undefined;
}
