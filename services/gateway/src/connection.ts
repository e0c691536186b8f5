import type { Bus } from '@switchboard/bus';
import { AUTH_ERRORS, isClientSignalName, isGatewayRequestName, isRequestName } from '@switchboard/protocol';
import { type Logger, type Metrics, requestContext } from '@switchboard/runtime';
import { expireSocket } from './expiry-enforcer.ts';
import type { GatewayRequests } from './gateway-requests.ts';
import type { ActivityThrottle } from './heartbeat.ts';
import { boundOutgoingBuffer } from './outgoing-buffer.ts';
import { UNKNOWN_EVENT } from './refusals.ts';
import type { AckCallback, RequestForwarder } from './requests.ts';
import { closeSession, openSession } from './session.ts';
import type { ExpiryWheel } from './token-expiry.ts';
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
  gatewayRequests: GatewayRequests;
  wheel: ExpiryWheel;
  /** MAX_OUTGOING_BUFFER_BYTES. */
  maxOutgoingBytes: number;
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
  const { bus, metrics, gatewayId, forward, typing, activity, gatewayRequests, wheel } = deps;
  // The principal is read at each use, never kept: `auth:refresh` replaces it (same user id).
  const log = deps.log.child({ socketId: socket.id, userId: socket.data.principal.userId });
  metrics.connections.inc();
  activity.opened(socket.id);
  wheel.track(socket.id, socket.data.expiresAt);
  boundOutgoingBuffer(socket, { maxBytes: deps.maxOutgoingBytes, log, metrics });
  // Direct emits to this socket; broadcasts are counted once each, per local recipient, by local-broadcast.ts.
  socket.onAnyOutgoing((event: string) => metrics.countOutgoing(event));

  // Registered before any await, so no event sent right after `connect` is missed.
  socket.onAny((rawEvent: unknown, ...args: unknown[]) => {
    try {
      const event = String(rawEvent);
      const known = isRequestName(event) || isGatewayRequestName(event) || isClientSignalName(event);
      metrics.eventsIn.inc({ event: known ? event : 'unknown' });
      const { payload, ack } = splitArgs(args);
      // Between `exp` and the expiry tick nothing more is served.
      if (expireSocket(socket, { log, metrics })) {
        ack?.({ success: false, code: 'UNAUTHENTICATED', error: AUTH_ERRORS.tokenExpired });
        return;
      }
      if (activity.due(socket.id)) {
        const ctx = requestContext(socket.data.principal, { socketId: socket.id, gatewayId });
        bus.send('presence', 'presence:activity', {}, ctx).catch((error: unknown) => {
          log.warn({ err: error }, 'activity not sent');
        });
      }
      if (isRequestName(event)) return void forward(socket, event, payload, ack);
      if (isGatewayRequestName(event)) return void gatewayRequests(socket, event, payload, ack);
      if (isClientSignalName(event)) {
        return void typing
          .signal(socket, event, payload)
          .catch((error: unknown) => log.warn({ err: error }, 'typing failed'));
      }
      log.debug({ event: event.slice(0, 64) }, 'unknown client event');
      // The ack contract says a request is always answered, even one we do not know.
      ack?.({ success: false, code: 'INVALID_PAYLOAD', error: UNKNOWN_EVENT });
    } catch (error) {
      log.error({ err: error }, 'client event failed');
    }
  });

  socket.on('disconnecting', () => typing.socketClosing(socket));
  socket.on('disconnect', (reason) => {
    metrics.connections.dec();
    activity.closed(socket.id);
    wheel.untrack(socket.id);
    closeSession(socket, { bus, log, gatewayId });
    log.debug({ reason }, 'disconnected');
  });

  openSession(socket, { bus, log, gatewayId, timeoutMs: deps.timeoutMs }).catch((error: unknown) => {
    log.error({ err: error }, 'session open failed');
  });
}
