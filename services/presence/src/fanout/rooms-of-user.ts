import type { Bus } from '@switchboard/bus';
import { INTERNAL_COMMANDS, type RequestContext, type RoomsOfUserResult } from '@switchboard/protocol';
import type { Logger } from '@switchboard/runtime';
import { errorMessage, systemContext } from '@switchboard/runtime';

/** The rooms of a user, from messaging; `null` when messaging did not answer. */
export type RoomsOfUser = (userId: string, ctx?: RequestContext) => Promise<string[] | null>;

export function createRoomsOfUser(bus: Bus, log: Logger, timeoutMs = 1000): RoomsOfUser {
  return async (userId, ctx) => {
    try {
      const result = await bus.request<RoomsOfUserResult>(
        'messaging',
        INTERNAL_COMMANDS.roomsOfUser,
        { userId },
        ctx ?? systemContext('presence'),
        { timeoutMs },
      );
      return Array.isArray(result?.roomIds) ? result.roomIds.filter((id): id is string => typeof id === 'string') : [];
    } catch (error) {
      log.warn({ err: errorMessage(error), userId }, 'rooms lookup failed');
      return null;
    }
  };
}
