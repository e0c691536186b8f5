import { Emitter } from '@socket.io/redis-emitter';
import type { ServerToClientEvents } from '@switchboard/protocol';
import type { Redis } from 'ioredis';
import { socketIoKey } from './redis.ts';

/**
 * How services reach clients without holding sockets: the subset shared by a Socket.IO
 * `Server` (embedded mode) and `@socket.io/redis-emitter` (cluster mode).
 */
export interface BroadcastTarget {
  emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): boolean;
  socketsJoin(rooms: string | string[]): void;
  socketsLeave(rooms: string | string[]): void;
  disconnectSockets(close?: boolean): void;
}

export interface Broadcaster {
  /**
   * `except`: rooms (a socket id is a room) left out, e.g. the device that answered a call when
   * its user's other devices are told `answered_elsewhere`.
   */
  to(room: string | string[], except?: string | string[]): Pick<BroadcastTarget, 'emit'>;
  in(room: string | string[]): BroadcastTarget;
}

export function createRedisBroadcaster(redis: Redis, prefix: string): Broadcaster {
  const emitter = new Emitter<ServerToClientEvents>(redis, { key: socketIoKey(prefix) });
  return {
    to: (room, except) => (except === undefined ? emitter.to(room) : emitter.to(room).except(except)),
    in: (room) => emitter.in(room),
  };
}

/**
 * Counts what a service sends to clients in `switchboard_events_out_total{event}`: one per
 * broadcast (not per recipient; the adapter fans out). The host wraps every service's broadcaster.
 */
export function countingBroadcaster(
  inner: Broadcaster,
  eventsOut: { inc(labels: { event: string }): void },
): Broadcaster {
  const counted = <E extends keyof ServerToClientEvents>(
    target: Pick<BroadcastTarget, 'emit'>,
    event: E,
    args: Parameters<ServerToClientEvents[E]>,
  ) => {
    eventsOut.inc({ event });
    return target.emit(event, ...args);
  };
  return {
    to(room, except) {
      const target = inner.to(room, except);
      return { emit: (event, ...args) => counted(target, event, args) };
    },
    in(room) {
      const target = inner.in(room);
      return {
        emit: (event, ...args) => counted(target, event, args),
        socketsJoin: (rooms) => target.socketsJoin(rooms),
        socketsLeave: (rooms) => target.socketsLeave(rooms),
        disconnectSockets: (close) => target.disconnectSockets(close),
      };
    },
  };
}
