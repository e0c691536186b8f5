import type { RequestContext } from '@switchboard/protocol';
import { type Logger, toAckFailure } from '@switchboard/runtime';
import type { BusReply, CommandHandlers } from './bus.ts';
import { unknownCommand } from './replies.ts';

/**
 * Run one command against a service's handlers and turn the outcome into a wire reply: never
 * throws. Unknown errors are logged with their stack and answered INTERNAL without it.
 */
export async function runCommand(
  handlers: CommandHandlers,
  command: string,
  payload: unknown,
  ctx: RequestContext,
  log: Logger,
): Promise<BusReply> {
  const handler = Object.hasOwn(handlers, command) ? handlers[command] : undefined;
  // Every line about a command carries who asked and from where, to follow one request across processes.
  const fields = {
    command,
    requestId: ctx.requestId,
    userId: ctx.userId,
    socketId: ctx.socketId,
    gatewayId: ctx.gatewayId,
  };
  if (!handler) {
    log.debug(fields, 'command has no handler');
    return unknownCommand(command);
  }
  const started = performance.now();
  try {
    const result = await handler(payload, ctx);
    log.debug({ ...fields, ms: Math.round(performance.now() - started) }, 'command handled');
    return { ok: true, result };
  } catch (error) {
    const failure = toAckFailure(error);
    if (failure.code === 'INTERNAL') log.error({ ...fields, err: error }, 'bus handler failed');
    else log.debug({ ...fields, code: failure.code }, 'command refused');
    return { ok: false, code: failure.code, error: failure.error };
  }
}
