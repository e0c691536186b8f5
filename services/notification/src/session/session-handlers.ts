import { eachSession } from '@switchboard/bus';
import type { Principal, RequestContext, SessionPayload } from '@switchboard/protocol';
import { socketRooms } from '@switchboard/protocol';
import type { NotificationDeps, NotificationHandlers } from '../deps.ts';
import { openSessionState, openSessionStates, type SessionState } from './session-state.ts';

/** More work for a new socket (e.g. open emergency alerts it must see), composed in index.ts. */
export interface SessionHook {
  each(payload: SessionPayload, ctx: RequestContext): Promise<void>;
  /** Of a batch's users, those `each` has work for, in one query (absent: every socket is handled). */
  concerns?(principals: Principal[]): Promise<Set<string>>;
}

/**
 * The gateway's fire-and-forget `session:open`: remember the user's role (who a `to: { role }`
 * notification is persisted for), put the socket in its `topic:{name}` rooms and give it the
 * unread count. A socket id is a room of its own, so only that socket is touched.
 */
export function sessionHandlers(
  deps: NotificationDeps,
  hooks: SessionHook[] = [],
): Pick<NotificationHandlers, 'session:open' | 'session:close' | 'sessions:open' | 'sessions:close'> {
  const welcome = async (
    payload: SessionPayload,
    ctx: RequestContext,
    { topics, unreadCount }: SessionState,
    concerned: (Set<string> | undefined)[] = [],
  ) => {
    if (topics.length > 0) deps.broadcaster.in(payload.socketId).socketsJoin(topics.map(socketRooms.topic));
    deps.broadcaster.to(payload.socketId).emit('notification:unread', { unreadCount });
    for (const [i, hook] of hooks.entries()) {
      if (concerned[i]?.has(ctx.userId) !== false) await hook.each(payload, ctx);
    }
    return {};
  };
  return {
    'session:open': async (payload, ctx) => welcome(payload, ctx, await openSessionState(deps.db, ctx)),
    // A gateway's batch: the users' state in one statement, then each socket welcomed in order.
    'sessions:open': async (payload, batch) => {
      const states = await openSessionStates(deps.db, payload.sessions);
      const concerned = await Promise.all(hooks.map((hook) => hook.concerns?.(payload.sessions)));
      return eachSession(
        (single, ctx) => welcome(single, ctx, states.get(ctx.userId) ?? { topics: [], unreadCount: 0 }, concerned),
        deps.log,
      )(payload, batch);
    },
    // Nothing to undo: the socket's rooms left with it. Registered so the gateway's send is answered.
    'session:close': async () => ({}),
    'sessions:close': async () => ({}),
  };
}
