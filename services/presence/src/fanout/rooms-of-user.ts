import crypto from 'node:crypto';
import type { Bus } from '@switchboard/bus';
import { INTERNAL_COMMANDS, type RequestContext, type RoomsOfUserResult } from '@switchboard/protocol';
import type { Logger } from '@switchboard/runtime';

/** The rooms of a user, from messaging; `null` when messaging did not answer. */
export type RoomsOfUser = (userId: string, ctx?: RequestContext) => Promise<string[] | null>;

/** Context for lookups the service makes on its own behalf (sweeps, reaped gateways). */
export function systemContext(): RequestContext {
  return { userId: 'system', name: 'presence', role: 'system', requestId: crypto.randomUUID() };
}

export function createRoomsOfUser(bus: Bus, log: Logger, timeoutMs = 1000): RoomsOfUser {
  return async (userId, ctx) => {
    try {
      const result = await bus.request<RoomsOfUserResult>('messaging', INTERNAL_COMMANDS.roomsOfUser, { userId }, ctx ?? systemContext(), { timeoutMs });
      return Array.isArray(result?.roomIds) ? result.roomIds.filter((id): id is string => typeof id === 'string') : [];
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error), userId }, 'rooms lookup failed');
      return null;
    }
  };
}
