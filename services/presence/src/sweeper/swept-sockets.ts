import type { Bus } from '@switchboard/bus';
import { errorMessage, type Logger, systemContext } from '@switchboard/runtime';
import type { SweptSocket } from '../store/presence-store.ts';

/** Told of the sockets the sweeper removed because their gateway stopped heartbeating. */
export type SweptSocketsListener = (sockets: SweptSocket[]) => void;

/**
 * A gateway that died (SIGKILL, host lost) sent no `session:close`, so call-signaling never
 * started the reconnect grace of its call parties. The sweeper is the first to know the sockets
 * are gone: it sends the `session:close` the gateway could not (fire and forget; call-signaling
 * ignores a socket that is in no call).
 */
export function createSweptSocketsNotifier(bus: Bus, log: Logger): SweptSocketsListener {
  return (sockets) => {
    for (const { socketId, gatewayId } of sockets) {
      bus
        .send('call-signaling', 'session:close', { socketId, gatewayId }, systemContext('presence', { gatewayId }))
        .catch((error: unknown) => {
          log.error({ err: errorMessage(error), socketId, gatewayId }, 'swept socket not reported to call-signaling');
        });
    }
  };
}
