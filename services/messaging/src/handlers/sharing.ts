import type { UsersSharingRoomResult } from '@switchboard/protocol';
import { usersSharingRoomWith } from '../store/sharing.ts';
import type { MessagingDeps, MessagingHandlers } from './deps.ts';

/**
 * `users:sharingRoom` (presence): which candidates share a room with a user, the rule presence
 * and live location visibility follow. Memberships are messaging's, so presence asks.
 */
export function sharingHandlers(deps: MessagingDeps): Pick<MessagingHandlers, 'users:sharingRoom'> {
  return {
    'users:sharingRoom': async ({ userId, candidates }): Promise<UsersSharingRoomResult> => {
      return { userIds: await usersSharingRoomWith(deps.db, userId, candidates) };
    },
  };
}
