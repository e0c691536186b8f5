import { type CommandRegistry, parsePayload, type RequestContext } from '@switchboard/protocol';
import { errorMessage, isAppError, type Logger, toAckFailure } from '@switchboard/runtime';
import type { BusReply, RawHandlers } from './bus.ts';
import { unknownCommand } from './replies.ts';

/** One service's handlers with the schemas their payloads are checked against. */
export interface HandlerTable {
  handlers: RawHandlers;
  specs: CommandRegistry[string];
}

/**
 * Run one command against a service's handlers and turn the outcome into a wire reply: never
 * throws. The payload is validated first (INVALID_PAYLOAD naming the field), so handlers see
 * only what their schema accepts. Unknown errors are logged with their stack and answered
 * INTERNAL without it.
 */
export async function runCommand(
  table: HandlerTable,
  command: string,
  payload: unknown,
  ctx: RequestContext,
  log: Logger,
): Promise<BusReply> {
  const handler = Object.hasOwn(table.handlers, command) ? table.handlers[command] : undefined;
  const spec = Object.hasOwn(table.specs, command) ? table.specs[command] : undefined;
  // Every line about a command carries who asked and from where, to follow one request across processes.
  const fields = {
    command,
    requestId: ctx.requestId,
    userId: ctx.userId,
    socketId: ctx.socketId,
    gatewayId: ctx.gatewayId,
  };
  if (!handler || !spec) {
    log.debug(fields, 'command has no handler');
    return unknownCommand(command);
  }
  const parsed = parsePayload(spec.schema, payload);
  if (!parsed.ok) {
    log.debug({ ...fields, code: 'INVALID_PAYLOAD' }, 'command refused');
    return { ok: false, code: 'INVALID_PAYLOAD', error: parsed.error };
  }
  const started = performance.now();
  try {
    const result = await handler(parsed.data, ctx);
    log.debug({ ...fields, ms: Math.round(performance.now() - started) }, 'command handled');
    return { ok: true, result };
  } catch (error) {
    const failure = toAckFailure(error);
    if (failure.code === 'INTERNAL') log.error({ ...fields, err: error }, 'bus handler failed');
    else if (!isAppError(error)) log.warn({ ...fields, err: errorMessage(error) }, 'bus handler lost a connection');
    else log.debug({ ...fields, code: failure.code }, 'command refused');
    return { ok: false, code: failure.code, error: failure.error };
  }
}
