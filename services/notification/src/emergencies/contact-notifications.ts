import type { Alert, RequestContext } from '@switchboard/protocol';
import { errorMessage } from '@switchboard/runtime';
import type { EmergencyDeps } from './deps.ts';

const PRESENCE_TIMEOUT_MS = 1500;

/**
 * Contacts with a known user id who have no device online get a `critical` persisted
 * notification (`notification:create`, the inbox's own command), so the alert is waiting when
 * they open the app. Presence answers as the user in distress, whose room mates they are; a
 * contact presence says nothing about counts as offline: better one notification too many.
 */
export async function notifyOfflineContacts(
  deps: EmergencyDeps,
  alert: Alert,
  contactUserIds: string[],
  ctx: RequestContext,
): Promise<void> {
  if (contactUserIds.length === 0) return;
  const offline = await offlineOf(deps, contactUserIds, ctx);
  if (offline.length === 0) return;
  const what = alert.message ? `: ${alert.message}` : '';
  await deps.bus
    .send(
      'notification',
      'notification:create',
      {
        to: { users: offline },
        type: 'emergency.alert',
        title: `${alert.type} emergency: ${alert.userName}`,
        body: `${alert.userName} raised an emergency alert${what}`.slice(0, 4000),
        priority: 'critical',
        data: { alertId: alert.alertId, userId: alert.userId, type: alert.type },
        idempotencyKey: `emergency:${alert.alertId}`,
      },
      ctx,
    )
    .catch((error: unknown) => {
      deps.log.error({ err: errorMessage(error), alertId: alert.alertId }, 'offline contacts not notified');
    });
}

async function offlineOf(deps: EmergencyDeps, userIds: string[], ctx: RequestContext): Promise<string[]> {
  try {
    const { presences } = await deps.bus.request('presence', 'presence:get', { userIds: userIds.slice(0, 500) }, ctx, {
      timeoutMs: PRESENCE_TIMEOUT_MS,
    });
    const online = new Set(presences.filter((p) => p.status !== 'offline').map((p) => p.userId));
    return userIds.filter((id) => !online.has(id));
  } catch (error) {
    deps.log.warn({ err: errorMessage(error) }, 'presence unknown: notifying every known contact');
    return userIds;
  }
}
