import { isErrorCode } from '@switchboard/protocol';
import { AppError, REFUSALS } from '@switchboard/runtime';
import type { BusReply } from './bus.ts';
import { commandNotAvailable, serviceDidNotAnswer } from './refusals.ts';

export function unavailable(service: string): BusReply {
  return { ok: false, code: 'UNAVAILABLE', error: serviceDidNotAnswer(service) };
}

/** A command its `CountGuard` refused: never added, so never run. */
export function overLimit(): BusReply {
  return { ok: false, code: 'RATE_LIMITED', error: REFUSALS.rateLimited };
}

/** A command its service has no handler for (e.g. a feature not built yet): honest, not faked. */
export function unknownCommand(command: string): BusReply {
  return { ok: false, code: 'UNAVAILABLE', error: commandNotAvailable(command) };
}

/** Turn a wire reply back into a result or a thrown AppError on the requesting side. */
export function replyToResult<T>(reply: BusReply): T {
  if (reply.ok) return reply.result as T;
  throw new AppError(isErrorCode(reply.code) ? reply.code : 'INTERNAL', reply.error);
}
