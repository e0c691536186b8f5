import { eachSession } from '@switchboard/bus';
import type { RequestContext, SessionPayload } from '@switchboard/protocol';
import { socketRooms } from '@switchboard/protocol';
import type { NotificationDeps, NotificationHandlers } from '../deps.ts';
import { openSessionState } from './session-state.ts';

/** More work for a new socket (e.g. open emergency alerts it must see), composed in index.ts. */
export type SessionHook = (payload: SessionPayload, ctx: RequestContext) => Promise<void>;

/**
 * The gateway's fire-and-forget `session:open`: remember the user's role (who a `to: { role }`
 * notification is persisted for), put the socket in its `topic:{name}` rooms and give it the
 * unread count. A socket id is a room of its own, so only that socket is touched.
 */
export function sessionHandlers(
  deps: NotificationDeps,
  hooks: SessionHook[] = [],
): Pick<NotificationHandlers, 'session:open' | 'session:close' | 'sessions:open' | 'sessions:close'> {
  const open = async (payload: SessionPayload, ctx: RequestContext) => {
    const { topics, unreadCount: count } = await openSessionState(deps.db, ctx);
    if (topics.length > 0) deps.broadcaster.in(payload.socketId).socketsJoin(topics.map(socketRooms.topic));
    deps.broadcaster.to(payload.socketId).emit('notification:unread', { unreadCount: count });
    for (const hook of hooks) await hook(payload, ctx);
    return {};
  };
  return {
    'session:open': open,
    'sessions:open': eachSession(open, deps.log),
    // Nothing to undo: the socket's rooms left with it. Registered so the gateway's send is answered.
    'session:close': async () => ({}),
    'sessions:close': async () => ({}),
  };
}
