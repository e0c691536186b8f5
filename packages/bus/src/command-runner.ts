import type { RequestContext } from '@switchboard/protocol';
import { toAckFailure, type Logger } from '@switchboard/runtime';
import type { BusReply, CommandHandlers } from './bus.ts';
import { unknownCommand } from './replies.ts';

/**
 * Run one command against a service's handlers and turn the outcome into a wire reply: never
 * throws. Unknown errors are logged with their stack and answered INTERNAL without it.
 */
export async function runCommand(handlers: CommandHandlers, command: string, payload: unknown, ctx: RequestContext, log: Logger): Promise<BusReply> {
  const handler = Object.hasOwn(handlers, command) ? handlers[command] : undefined;
  if (!handler) return unknownCommand(command);
  try {
    return { ok: true, result: await handler(payload, ctx) };
  } catch (error) {
    const failure = toAckFailure(error);
    if (failure.code === 'INTERNAL') log.error({ err: error, command, requestId: ctx.requestId }, 'bus handler failed');
    return { ok: false, code: failure.code, error: failure.error };
  }
}
