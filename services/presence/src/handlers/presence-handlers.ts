import type { CommandHandler } from '@switchboard/bus';
import { PresenceSetStatusPayload, type PresencesResult, PresenceUsersPayload } from '@switchboard/protocol';
import { parseOrThrow } from '@switchboard/runtime';
import type { PublishPresence } from '../fanout/presence-publisher.ts';
import type { PresenceStore } from '../store/presence-store.ts';

export interface PresenceHandlerDeps {
  store: PresenceStore;
  publish: PublishPresence;
  now?: () => number;
}

type PresenceRequest = 'presence:get' | 'presence:setStatus' | 'presence:subscribe' | 'presence:unsubscribe';

/** Client requests about presence, forwarded by the gateway with the caller in `ctx`. */
export function presenceHandlers({
  store,
  publish,
  now = Date.now,
}: PresenceHandlerDeps): Record<PresenceRequest, CommandHandler> {
  return {
    'presence:get': async (payload): Promise<PresencesResult> => {
      const { userIds } = parseOrThrow(PresenceUsersPayload, payload);
      return { presences: await store.get(userIds) };
    },
    'presence:setStatus': async (payload, ctx) => {
      const { status, customStatus } = parseOrThrow(PresenceSetStatusPayload, payload);
      await publish(await store.setStatus(ctx.userId, status, customStatus, now()));
      return {};
    },
    'presence:subscribe': async (payload, ctx): Promise<PresencesResult> => {
      const { userIds } = parseOrThrow(PresenceUsersPayload, payload);
      await store.subscribe(ctx.userId, userIds);
      return { presences: await store.get(userIds) };
    },
    'presence:unsubscribe': async (payload, ctx) => {
      const { userIds } = parseOrThrow(PresenceUsersPayload, payload);
      await store.unsubscribe(ctx.userId, userIds);
      return {};
    },
  };
}
