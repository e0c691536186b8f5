import type { NotificationDeps, NotificationHandlers } from '../deps.ts';
import { createNotification } from './create.ts';
import { listInbox, markAllRead, markRead } from './inbox-store.ts';
import { pushUnreadCounts, unreadCount } from './unread.ts';

type InboxCommands =
  | 'notification:list'
  | 'notification:read'
  | 'notification:readAll'
  | 'notification:getUnreadCount'
  | 'notification:create';

/** The user's inbox (always the caller's own: `ctx.userId`), and creation for other services. */
export function inboxHandlers(deps: NotificationDeps): Pick<NotificationHandlers, InboxCommands> {
  return {
    'notification:list': async (payload, ctx) => listInbox(deps.db, ctx.userId, payload),
    'notification:read': async ({ notificationId }, ctx) => {
      if (await markRead(deps.db, ctx.userId, notificationId)) {
        await pushUnreadCounts(deps.db, deps.broadcaster, [ctx.userId]);
      }
      return {};
    },
    'notification:readAll': async (_payload, ctx) => {
      const markedCount = await markAllRead(deps.db, ctx.userId);
      if (markedCount > 0) await pushUnreadCounts(deps.db, deps.broadcaster, [ctx.userId]);
      return { markedCount };
    },
    'notification:getUnreadCount': async (_payload, ctx) => ({ unreadCount: await unreadCount(deps.db, ctx.userId) }),
    'notification:create': async (payload) => {
      const { recipients, notificationIds } = await createNotification(deps, payload);
      return { recipients, notificationIds };
    },
  };
}
