import type { NotificationDeps, NotificationHandlers } from './deps.ts';
import { inboxHandlers } from './inbox/inbox-handlers.ts';
import { publish } from './publish/publish.ts';
import { type SessionHook, sessionHandlers } from './session/session-handlers.ts';
import { topicHandlers } from './topics/topic-handlers.ts';

/** Every non-emergency notification command: inbox, topics, publish and the gateway's sessions. */
export function notificationHandlers(deps: NotificationDeps, sessionHooks: SessionHook[] = []): NotificationHandlers {
  return {
    ...inboxHandlers(deps),
    ...topicHandlers(deps),
    ...sessionHandlers(deps, sessionHooks),
    'notification:publish': async (payload) => publish(deps.broadcaster, payload),
  };
}
