import { type Presence, socketRooms } from '@switchboard/protocol';
import type { Broadcaster, Logger, Metrics } from '@switchboard/runtime';
import type { PresenceStore } from '../store/presence-store.ts';
import type { RoomsOfUser } from './rooms-of-user.ts';

export interface PresencePublisherDeps {
  store: PresenceStore;
  broadcaster: Broadcaster;
  roomsOf: RoomsOfUser;
  log: Logger;
  metrics: Metrics;
}

export type PublishPresence = (changes: Presence[]) => Promise<void>;

/** How many changes are fanned out at once (a reaped gateway can produce thousands). */
const CONCURRENCY = 50;

/**
 * Emits each `presence:changed` once, to the union of its subscribers' user rooms and the
 * user's rooms: one emit with several targets, so a socket in two of them gets it once.
 */
export function createPresencePublisher({
  store,
  broadcaster,
  roomsOf,
  log,
  metrics,
}: PresencePublisherDeps): PublishPresence {
  async function publishOne(presence: Presence): Promise<void> {
    const [subscribers, rooms] = await Promise.all([store.subscribersOf(presence.userId), roomsOf(presence.userId)]);
    const targets = [...subscribers.map(socketRooms.user), ...(rooms ?? []).map(socketRooms.room)];
    if (targets.length === 0) return;
    broadcaster.to(targets).emit('presence:changed', presence);
  }

  return async (changes) => {
    for (let i = 0; i < changes.length; i += CONCURRENCY) {
      const batch = changes.slice(i, i + CONCURRENCY);
      const results = await Promise.allSettled(batch.map(publishOne));
      for (const result of results) {
        if (result.status === 'rejected') log.error({ err: result.reason }, 'presence publish failed');
      }
    }
  };
}
