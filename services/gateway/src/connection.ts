import type { Bus } from '@switchboard/bus';
import { INTERNAL_COMMANDS, isClientSignalName, isRequestName } from '@switchboard/protocol';
import type { Logger, Metrics } from '@switchboard/runtime';
import { requestContext } from '@switchboard/runtime';
import type { ActivityThrottle } from './heartbeat.ts';
import type { AckCallback, RequestForwarder } from './requests.ts';
import { closeSession, openSession } from './session.ts';
import type { GatewaySocket } from './types.ts';
import type { Typing } from './typing.ts';

export interface ConnectionDeps {
  bus: Bus;
  log: Logger;
  metrics: Metrics;
  gatewayId: string;
  timeoutMs: number;
  forward: RequestForwarder;
  typing: Typing;
  activity: ActivityThrottle;
}

/** Split socket.io's argument list into payload and ack, whatever a (possibly hostile) client sent. */
export function splitArgs(args: unknown[]): { payload: unknown; ack: AckCallback | undefined } {
  const last = args.at(-1);
  if (typeof last !== 'function') return { payload: args[0], ack: undefined };
  const ack = last as AckCallback;
  return { payload: args.length > 1 ? args[0] : undefined, ack };
}

/** Wire one authenticated socket: session, one dispatcher for every client event, cleanup. */
export function handleConnection(socket: GatewaySocket, deps: ConnectionDeps): void {
  const { bus, metrics, gatewayId, forward, typing, activity } = deps;
  const { principal } = socket.data;
  const log = deps.log.child({ socketId: socket.id, userId: principal.userId });
  metrics.connections.inc();
  activity.opened(socket.id);
  // Per socket delivered, broadcasts from services included (the adapter notifies these listeners too).
  socket.onAnyOutgoing((event: string) => metrics.eventsOut.inc({ event }));

  // Registered before any await, so no event sent right after `connect` is missed.
  socket.onAny((rawEvent: unknown, ...args: unknown[]) => {
    try {
      const event = String(rawEvent);
      const known = isRequestName(event) || isClientSignalName(event);
      metrics.eventsIn.inc({ event: known ? event : 'unknown' });
      if (activity.due(socket.id)) {
        bus
          .send(
            'presence',
            INTERNAL_COMMANDS.presenceActivity,
            {},
            requestContext(principal, { socketId: socket.id, gatewayId }),
          )
          .catch((error: unknown) => {
            log.warn({ err: error }, 'activity not sent');
          });
      }
      const { payload, ack } = splitArgs(args);
      if (isRequestName(event)) return void forward(socket, event, payload, ack);
      if (isClientSignalName(event)) {
        return void typing
          .signal(socket, event, payload)
          .catch((error: unknown) => log.warn({ err: error }, 'typing failed'));
      }
      log.debug({ event: event.slice(0, 64) }, 'unknown client event');
      // The ack contract says a request is always answered, even one we do not know.
      ack?.({ success: false, code: 'INVALID_PAYLOAD', error: 'Unknown event' });
    } catch (error) {
      log.error({ err: error }, 'client event failed');
    }
  });

  socket.on('disconnecting', () => typing.socketClosing(socket));
  socket.on('disconnect', (reason) => {
    metrics.connections.dec();
    activity.closed(socket.id);
    closeSession(socket, { bus, log, gatewayId });
    log.debug({ reason }, 'disconnected');
  });

  openSession(socket, { bus, log, gatewayId, timeoutMs: deps.timeoutMs }).catch((error: unknown) => {
    log.error({ err: error }, 'session open failed');
  });
}
