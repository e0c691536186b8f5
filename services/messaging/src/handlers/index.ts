import type { MessagingDeps, MessagingHandlers } from './deps.ts';
import { joinRequestHandlers } from './join-requests.ts';
import { messageHandlers } from './messages.ts';
import { ownedRoomHandlers } from './owned-rooms.ts';
import { receiptHandlers } from './receipts.ts';
import { roomHandlers } from './rooms.ts';
import { sessionHandlers } from './session.ts';
import { sharingHandlers } from './sharing.ts';
import { statsHandlers } from './stats.ts';
import { syncHandlers } from './sync.ts';

/**
 * Every command the bus registry assigns to messaging: the client requests it owns plus the
 * internal session, room and stats lookups. `MessagingHandlers` is derived from the registry,
 * so a forgotten or misspelled handler is a compile error.
 */
export function messagingHandlers(deps: MessagingDeps): MessagingHandlers {
  return {
    ...roomHandlers(deps),
    ...joinRequestHandlers(deps),
    ...messageHandlers(deps),
    ...receiptHandlers(deps),
    ...syncHandlers(deps),
    ...sessionHandlers(deps),
    ...sharingHandlers(deps),
    ...statsHandlers(deps),
    ...ownedRoomHandlers(deps),
  };
}
