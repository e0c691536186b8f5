import type { PresencesResult } from '@switchboard/protocol';
import type { PublishPresence } from '../fanout/presence-publisher.ts';
import type { PresenceStore } from '../store/presence-store.ts';
import type { PresenceHandlers } from './handlers.ts';

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
}: PresenceHandlerDeps): Pick<PresenceHandlers, PresenceRequest> {
  return {
    'presence:get': async ({ userIds }): Promise<PresencesResult> => {
      return { presences: await store.get(userIds) };
    },
    'presence:setStatus': async ({ status, customStatus }, ctx) => {
      await publish(await store.setStatus(ctx.userId, status, customStatus, now()));
      return {};
    },
    'presence:subscribe': async ({ userIds }, ctx): Promise<PresencesResult> => {
      await store.subscribe(ctx.userId, userIds);
      return { presences: await store.get(userIds) };
    },
    'presence:unsubscribe': async ({ userIds }, ctx) => {
      await store.unsubscribe(ctx.userId, userIds);
      return {};
    },
  };
}
