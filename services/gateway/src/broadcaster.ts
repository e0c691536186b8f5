import type { Broadcaster } from '@switchboard/runtime';
import type { GatewayServer } from './types.ts';

/**
 * Embedded mode: services reach clients through the in-process Socket.IO server, with the same
 * interface the redis-emitter gives them in cluster mode.
 */
export function ioBroadcaster(io: GatewayServer): Broadcaster {
  return {
    to: (room, except) => (except === undefined ? io.to(room) : io.to(room).except(except)),
    in: (room) => io.in(room),
  };
}
