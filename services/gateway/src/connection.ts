import { AUTH_ERRORS, isClientSignalName, isGatewayRequestName, isRequestName } from '@switchboard/protocol';
import type { Logger, Metrics } from '@switchboard/runtime';
import type { ActivityReporter, ActivityThrottle } from './activity.ts';
import { expireSocket } from './expiry-enforcer.ts';
import type { GatewayRequests } from './gateway-requests.ts';
import { boundOutgoingBuffer } from './outgoing-buffer.ts';
import { UNKNOWN_EVENT } from './refusals.ts';
import type { AckCallback, RequestForwarder } from './requests.ts';
import { closeSession, openSession } from './session.ts';
import type { SessionAdmission } from './session-admission.ts';
import type { SessionBatcher } from './session-batcher.ts';
import type { ExpiryWheel } from './token-expiry.ts';
import type { GatewaySocket } from './types.ts';
import type { Typing } from './typing.ts';

export interface ConnectionDeps {
  log: Logger;
  metrics: Metrics;
  gatewayId: string;
  sessions: SessionBatcher;
  admission: SessionAdmission;
  forward: RequestForwarder;
  typing: Typing;
  activity: ActivityThrottle;
  activityReports: ActivityReporter;
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

/**
 * The fields a socket's log lines carry. Given at each (rare) line rather than bound in a pino
 * child per socket, which every idle socket would hold for its whole life (measured ≈ 0.6 KiB:
 * services/gateway/bench/idle-memory.ts).
 */
export function who(socket: GatewaySocket): { socketId: string; userId: string } {
  // The principal is read at each use, never kept: `auth:refresh` replaces it (same user id).
  return { socketId: socket.id, userId: socket.data.principal.userId };
}

/**
 * Once the middlewares have run, nothing reads the HTTP upgrade request again: `handshake` keeps
 * the headers, address and query it was built from. Engine.io would otherwise hold the request
 * (its raw headers, stream state) for the socket's life — Socket.IO's "Memory usage" advice. The
 * token is dropped from `handshake.auth` too: it was verified, `socket.data` holds what it said,
 * and a long-lived copy of a credential helps nobody.
 */
function releaseUpgradeRequest(socket: GatewaySocket): void {
  (socket.conn as { request: unknown }).request = null;
  const auth: unknown = socket.handshake.auth;
  if (auth && typeof auth === 'object' && 'token' in auth) delete (auth as { token?: unknown }).token;
}

/** Wire one authenticated socket: session, one dispatcher for every client event, cleanup. */
export function handleConnection(socket: GatewaySocket, deps: ConnectionDeps): void {
  const { log, metrics, forward, typing, activity, activityReports, gatewayRequests, wheel } = deps;
  releaseUpgradeRequest(socket);
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
      if (activity.due(socket.id)) activityReports.report(socket.data.principal.userId);
      if (isRequestName(event)) return void forward(socket, event, payload, ack);
      if (isGatewayRequestName(event)) return void gatewayRequests(socket, event, payload, ack);
      if (isClientSignalName(event)) {
        return void typing
          .signal(socket, event, payload)
          .catch((error: unknown) => log.warn({ err: error, ...who(socket) }, 'typing failed'));
      }
      log.debug({ event: event.slice(0, 64), ...who(socket) }, 'unknown client event');
      // The ack contract says a request is always answered, even one we do not know.
      ack?.({ success: false, code: 'INVALID_PAYLOAD', error: UNKNOWN_EVENT });
    } catch (error) {
      log.error({ err: error, ...who(socket) }, 'client event failed');
    }
  });

  socket.on('disconnecting', () => typing.socketClosing(socket));
  socket.on('disconnect', (reason) => {
    metrics.connections.dec();
    activity.closed(socket.id);
    wheel.untrack(socket.id);
    closeSession(socket, deps);
    log.debug({ reason, ...who(socket) }, 'disconnected');
  });

  openSession(socket, deps).catch((error: unknown) => {
    log.error({ err: error, ...who(socket) }, 'session open failed');
  });
}
