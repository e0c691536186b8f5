import type { Bus } from '@switchboard/bus';
import type { RequestContext } from '@switchboard/protocol';
import type { Logger } from '@switchboard/runtime';
import { errorMessage, systemContext } from '@switchboard/runtime';

/** The rooms of a user, from messaging; `null` when messaging did not answer. */
export type RoomsOfUser = (userId: string, ctx?: RequestContext) => Promise<string[] | null>;

export function createRoomsOfUser(bus: Bus, log: Logger, timeoutMs = 1000): RoomsOfUser {
  return async (userId, ctx) => {
    try {
      const { roomIds } = await bus.request('messaging', 'rooms:ofUser', { userId }, ctx ?? systemContext('presence'), {
        timeoutMs,
      });
      return roomIds;
    } catch (error) {
      log.warn({ err: errorMessage(error), userId }, 'rooms lookup failed');
      return null;
    }
  };
}

/** The rooms of each of `userIds`, from messaging in one request; `null` when it did not answer. */
export type RoomsOfUsers = (userIds: string[]) => Promise<Map<string, string[]> | null>;

export function createRoomsOfUsers(bus: Bus, log: Logger, timeoutMs = 1000): RoomsOfUsers {
  return async (userIds) => {
    try {
      const { roomIds } = await bus.request('messaging', 'rooms:ofUsers', { userIds }, systemContext('presence'), {
        timeoutMs,
      });
      return new Map(Object.entries(roomIds));
    } catch (error) {
      log.warn({ err: errorMessage(error), users: userIds.length }, 'rooms lookup failed');
      return null;
    }
  };
}
