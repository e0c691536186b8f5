import type { Db } from '@switchboard/db';
import { errorMessage, type Logger } from '@switchboard/runtime';
import type { WebhookOutbox } from '@switchboard/webhooks';
import type { PresenceChange } from '../store/presence-store.ts';

/** `user.online` / `user.offline` for the changes that cross offline (none for away/busy/custom). */
export type TransitionWebhooks = (changes: PresenceChange[]) => Promise<void>;

/** The webhook a change means, if any: only offline -> connected and connected -> offline. */
export function transitionType(change: PresenceChange): 'user.online' | 'user.offline' | undefined {
  const wasOffline = change.previousStatus === 'offline';
  const isOffline = change.status === 'offline';
  if (wasOffline && !isOffline) return 'user.online';
  if (!wasOffline && isOffline) return 'user.offline';
  return undefined;
}

/**
 * Presence state lives in Redis, so there is no transaction to share with the outbox: the row is
 * written right after the store script decided the transition. The script decides each
 * transition once (atomic across processes), so a transition gives one row; a crash, or Postgres
 * failing, between the script and the insert loses that event (logged), it is never duplicated.
 */
export function createTransitionWebhooks(outbox: WebhookOutbox, db: Db, log: Logger): TransitionWebhooks {
  return async (changes) => {
    if (!outbox.enabled) return;
    for (const change of changes) {
      const type = transitionType(change);
      if (!type) continue;
      const data = { userId: change.userId, status: change.status, lastSeen: change.lastSeen };
      try {
        await outbox.enqueue(db, type, data);
      } catch (error) {
        log.error({ err: errorMessage(error), type, userId: change.userId }, 'presence webhook not recorded');
      }
    }
  };
}
