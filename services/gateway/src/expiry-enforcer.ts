import type { Logger, Metrics } from '@switchboard/runtime';
import type { ExpiryWheel } from './token-expiry.ts';
import type { GatewayServer, GatewaySocket } from './types.ts';

/** How often the gateway looks for expired tokens: sockets go at most this long past `exp`. */
export const EXPIRY_TICK_MS = 1000;

/**
 * A socket whose token passed `exp` without `auth:refresh`: `auth:expired`, then a server-side
 * disconnect (the SDK reconnects with a fresh token from `getToken()`). A refresh that raced the
 * tick wins: the socket's current expiry is checked again here.
 */
export function expireSocket(
  socket: GatewaySocket,
  deps: { log: Logger; metrics: Metrics },
  now = Date.now(),
): boolean {
  const { expiresAt } = socket.data;
  if (expiresAt === undefined || expiresAt > now || !socket.connected) return false;
  deps.metrics.guards.inc({ guard: 'token_expired' });
  deps.log.debug({ socketId: socket.id, userId: socket.data.principal.userId }, 'token expired: disconnecting');
  socket.emit('auth:expired', { expiredAt: new Date(expiresAt).toISOString() });
  socket.disconnect(true);
  return true;
}

export interface ExpiryEnforcerDeps {
  io: GatewayServer;
  wheel: ExpiryWheel;
  log: Logger;
  metrics: Metrics;
  tickMs?: number;
}

/** One interval per gateway visiting the seconds that came due; returns its stop. */
export function startExpiryEnforcer({ io, wheel, log, metrics, tickMs = EXPIRY_TICK_MS }: ExpiryEnforcerDeps) {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const socketId of wheel.due(now)) {
      const socket = io.of('/').sockets.get(socketId);
      if (socket) expireSocket(socket, { log, metrics }, now);
    }
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
