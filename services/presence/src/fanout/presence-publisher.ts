import { type Presence, socketRooms } from '@switchboard/protocol';
import type { Broadcaster, Logger } from '@switchboard/runtime';
import type { PresenceChange, PresenceStore } from '../store/presence-store.ts';
import type { RoomsOfUsers } from './rooms-of-user.ts';
import type { SharingRoom } from './visibility.ts';

export interface PresencePublisherDeps {
  store: PresenceStore;
  broadcaster: Broadcaster;
  roomsOfUsers: RoomsOfUsers;
  sharingRoom: SharingRoom;
  log: Logger;
}

export type PublishPresence = (changes: PresenceChange[]) => Promise<void>;

/** How many changes are fanned out at once (a reaped gateway can produce thousands). */
const CONCURRENCY = 50;

/**
 * Emits each `presence:changed` once, to the union of the user's rooms and its subscribers: one
 * emit with several targets, so a socket in two of them gets it once.
 *
 * Visibility is checked here, at fan-out time, not only when subscribing: a subscription made
 * while two users shared a room outlives that room, so each change asks messaging which
 * subscribers still share one (one request per change, only when there are subscribers).
 * Those reach `user:{id}`; the others only `admin:{id}`, the room holding a user's sockets
 * while their token says admin — so an admin's subscriptions keep working, a demoted admin's
 * stop at once, and a stranger gets nothing. Messaging not answering: subscribers reach
 * `admin:{id}` only and rooms are not guessed (fail closed).
 *
 * The rooms of every user in a slice of changes come from one `rooms:ofUsers` request: a batch
 * of sessions coming online costs one round trip to messaging, not one per user.
 */
export function createPresencePublisher({
  store,
  broadcaster,
  roomsOfUsers,
  sharingRoom,
  log,
}: PresencePublisherDeps): PublishPresence {
  async function publishOne(presence: Presence, roomsOf: Promise<Map<string, string[]> | null>): Promise<void> {
    const { userId } = presence;
    const subscribers = await store.subscribersOf(userId);
    const [rooms, sharing] = await Promise.all([roomsOf.then((r) => r?.get(userId)), sharingRoom(userId, subscribers)]);
    const toSubscriber = (id: string) =>
      id === userId || sharing?.has(id) ? socketRooms.user(id) : socketRooms.admin(id);
    const targets = [...subscribers.map(toSubscriber), ...(rooms ?? []).map(socketRooms.room)];
    if (targets.length === 0) return;
    broadcaster.to(targets).emit('presence:changed', presence);
  }

  return async (changes) => {
    for (let i = 0; i < changes.length; i += CONCURRENCY) {
      const batch = changes.slice(i, i + CONCURRENCY);
      // Asked while the subscribers are read: one round trip for the slice, none added to a change's.
      const roomsOf = roomsOfUsers([...new Set(batch.map((c) => c.userId))]);
      // Clients get the presence only: the previous status is for transition webhooks.
      const results = await Promise.allSettled(
        batch.map(({ previousStatus: _, ...presence }) => publishOne(presence, roomsOf)),
      );
      for (const result of results) {
        if (result.status === 'rejected') log.error({ err: result.reason }, 'presence publish failed');
      }
    }
  };
}
