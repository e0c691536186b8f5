import type { OwnedRoomsResult } from '@switchboard/protocol';
import { ownedRoomsWithContacts } from '../store/owned-rooms.ts';
import type { MessagingDeps, MessagingHandlers } from './deps.ts';

/**
 * `rooms:ownedWithContacts` (notification, on SOS): rooms and emergency contacts are messaging's
 * tables, so the emergency code asks rather than reading them.
 */
export function ownedRoomHandlers(deps: MessagingDeps): Pick<MessagingHandlers, 'rooms:ownedWithContacts'> {
  return {
    'rooms:ownedWithContacts': async ({ userId }): Promise<OwnedRoomsResult> => {
      return { rooms: await ownedRoomsWithContacts(deps.db, userId) };
    },
  };
}
