import type { Bus } from '@switchboard/bus';
import { type GatewayHeartbeatPayload, INTERNAL_COMMANDS } from '@switchboard/protocol';
import type { Logger } from '@switchboard/runtime';
import { systemContext } from '@switchboard/runtime';
import type { GatewayServer } from './types.ts';

/** Presence expires a gateway's sockets when heartbeats stop; beat often enough to stay well inside. */
export function heartbeatIntervalMs(presenceOfflineAfterMs: number): number {
  return Math.max(1, Math.min(10_000, Math.floor(presenceOfflineAfterMs / 3)));
}

export interface HeartbeatDeps {
  io: GatewayServer;
  bus: Bus;
  log: Logger;
  gatewayId: string;
  intervalMs: number;
}

/** Tells presence, periodically, which sockets this gateway still holds. Returns the stop function. */
export function startHeartbeat({ io, bus, log, gatewayId, intervalMs }: HeartbeatDeps): () => void {
  const beat = () => {
    // Local sockets only: every gateway reports its own.
    const local = [...io.of('/').sockets.values()];
    const payload: GatewayHeartbeatPayload = {
      gatewayId,
      socketIds: local.map((socket) => socket.id),
      intervalMs,
      sockets: local.map((socket) => ({ socketId: socket.id, userId: socket.data.principal.userId })),
    };
    bus
      .send('presence', INTERNAL_COMMANDS.gatewayHeartbeat, payload, systemContext('gateway', { gatewayId }))
      .catch((error: unknown) => {
        log.warn({ err: error }, 'heartbeat not sent');
      });
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Activity reports are throttled per socket: presence only needs to know the user is not idle. */
export const ACTIVITY_THROTTLE_MS = 15_000;

/** Returns true when this socket's activity should be reported now (at most once per throttle window). */
export function createActivityThrottle(throttleMs = ACTIVITY_THROTTLE_MS, now: () => number = Date.now) {
  const last = new Map<string, number>();
  return {
    /** Connecting counts as activity, so the first report comes a window after connect. */
    opened(socketId: string): void {
      last.set(socketId, now());
    },
    due(socketId: string): boolean {
      const at = now();
      const previous = last.get(socketId) ?? 0;
      if (at - previous < throttleMs) return false;
      last.set(socketId, at);
      return true;
    },
    closed(socketId: string): void {
      last.delete(socketId);
    },
  };
}
export type ActivityThrottle = ReturnType<typeof createActivityThrottle>;
