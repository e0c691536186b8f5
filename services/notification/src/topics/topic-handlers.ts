import { socketRooms } from '@switchboard/protocol';
import type { NotificationDeps, NotificationHandlers } from '../deps.ts';
import { subscribe, topicsOf, unsubscribe } from './topic-store.ts';

/**
 * Topic subscriptions are persisted (so every later connection joins them too, see
 * session/session-handlers.ts) and applied at once to every live socket of the user.
 */
export function topicHandlers(
  deps: NotificationDeps,
): Pick<NotificationHandlers, 'notification:subscribe' | 'notification:unsubscribe'> {
  return {
    'notification:subscribe': async ({ topics }, ctx) => {
      await subscribe(deps.db, ctx.userId, topics);
      deps.broadcaster.in(socketRooms.user(ctx.userId)).socketsJoin(topics.map(socketRooms.topic));
      return { topics: await topicsOf(deps.db, ctx.userId) };
    },
    'notification:unsubscribe': async ({ topics }, ctx) => {
      await unsubscribe(deps.db, ctx.userId, topics);
      deps.broadcaster.in(socketRooms.user(ctx.userId)).socketsLeave(topics.map(socketRooms.topic));
      return { topics: await topicsOf(deps.db, ctx.userId) };
    },
  };
}
