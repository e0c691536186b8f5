import type { PresencesResult } from '@switchboard/protocol';
import type { PublishPresence } from '../fanout/presence-publisher.ts';
import { type SharingRoom, visibleTargets } from '../fanout/visibility.ts';
import type { PresenceStore } from '../store/presence-store.ts';
import type { PresenceHandlers } from './handlers.ts';

export interface PresenceHandlerDeps {
  store: PresenceStore;
  publish: PublishPresence;
  sharingRoom: SharingRoom;
  now?: () => number;
}

type PresenceRequest = 'presence:get' | 'presence:setStatus' | 'presence:subscribe' | 'presence:unsubscribe';

/**
 * Client requests about presence, forwarded by the gateway with the caller in `ctx`. Reads and
 * subscriptions cover only users the caller may see (docs/security.md): anyone else is left out
 * of the answer entirely, exactly as an id nobody ever used, so a stranger learns nothing.
 */
export function presenceHandlers({
  store,
  publish,
  sharingRoom,
  now = Date.now,
}: PresenceHandlerDeps): Pick<PresenceHandlers, PresenceRequest> {
  return {
    'presence:get': async ({ userIds }, ctx): Promise<PresencesResult> => {
      return { presences: await store.get(await visibleTargets(ctx, userIds, sharingRoom)) };
    },
    'presence:setStatus': async ({ status, customStatus }, ctx) => {
      await publish(await store.setStatus(ctx.userId, status, customStatus, now()));
      return {};
    },
    'presence:subscribe': async ({ userIds }, ctx): Promise<PresencesResult> => {
      const visible = await visibleTargets(ctx, userIds, sharingRoom);
      if (visible.length > 0) await store.subscribe(ctx.userId, visible);
      return { presences: await store.get(visible) };
    },
    'presence:unsubscribe': async ({ userIds }, ctx) => {
      await store.unsubscribe(ctx.userId, userIds);
      return {};
    },
  };
}
