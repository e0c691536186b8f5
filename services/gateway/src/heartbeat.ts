import type { Bus } from '@switchboard/bus';
import type { GatewayHeartbeatPayload } from '@switchboard/protocol';
import { type Logger, systemContext } from '@switchboard/runtime';
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
      .send('presence', 'gateway:heartbeat', payload, systemContext('gateway', { gatewayId }))
      .catch((error: unknown) => {
        log.warn({ err: error }, 'heartbeat not sent');
      });
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
