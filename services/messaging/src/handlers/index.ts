import type { CommandHandler, CommandHandlers } from '@switchboard/bus';
import { INTERNAL_COMMANDS, REQUESTS, type RequestName } from '@switchboard/protocol';
import type { MessagingDeps } from './deps.ts';
import { joinRequestHandlers } from './join-requests.ts';
import { messageHandlers } from './messages.ts';
import { receiptHandlers } from './receipts.ts';
import { roomHandlers } from './rooms.ts';
import { sessionHandlers } from './session.ts';
import { statsHandlers } from './stats.ts';
import { syncHandlers } from './sync.ts';

type MessagingRequest = {
  [E in RequestName]: (typeof REQUESTS)[E]['service'] extends 'messaging' ? E : never;
}[RequestName];
type InternalCommand =
  | typeof INTERNAL_COMMANDS.sessionOpen
  | typeof INTERNAL_COMMANDS.roomsOfUser
  | typeof INTERNAL_COMMANDS.statsGet;

/**
 * Every request the protocol assigns to messaging, plus the internal session, room and stats lookups.
 * The mapped type makes a forgotten handler a compile error.
 */
export function messagingHandlers(deps: MessagingDeps): CommandHandlers {
  const handlers: Record<MessagingRequest | InternalCommand, CommandHandler> = {
    ...roomHandlers(deps),
    ...joinRequestHandlers(deps),
    ...messageHandlers(deps),
    ...receiptHandlers(deps),
    ...syncHandlers(deps),
    ...sessionHandlers(deps),
    ...statsHandlers(deps),
  };
  return handlers;
}
