import type { AlertResult, EmergencyResolvePayload, Principal } from '@switchboard/protocol';
import { AppError } from '@switchboard/runtime';
import { cancelTimersWithPrefix } from '@switchboard/timers';
import { type AlertRow, appendAudit, lockAlert, toAlert } from './alert-store.ts';
import { mayAcknowledge, mayResolve, maySee } from './audience.ts';
import { type EmergencyDeps, ESCALATION_TIMER } from './deps.ts';
import { broadcastAlert, closeAlertRoom } from './fanout.ts';

export const NOT_FOUND = 'Alert not found';
export const ACCESS_DENIED = 'Access denied to this alert';

type Rule = (alert: AlertRow, who: Principal) => boolean;

/** Order of refusals (PROTOCOL.md): unknown → 404, outsiders and others not allowed → 403, resolved → 409. */
function check(alert: AlertRow | null, who: Principal, allowed: Rule, refusal: string): AlertRow {
  if (!alert) throw new AppError('NOT_FOUND', NOT_FOUND);
  if (!maySee(alert, who)) throw new AppError('FORBIDDEN', ACCESS_DENIED);
  if (!allowed(alert, who)) throw new AppError('FORBIDDEN', refusal);
  if (alert.state === 'resolved') throw new AppError('CONFLICT', 'Alert is already resolved');
  return alert;
}

/**
 * The audience acknowledges: the remaining escalation steps are cancelled in the same
 * transaction, so no level fires after an acknowledgement commits. Acknowledging an acknowledged
 * alert answers it unchanged (the first acknowledger stays).
 */
export async function acknowledgeAlert(deps: EmergencyDeps, who: Principal, alertId: string): Promise<AlertResult> {
  const outcome = await deps.db.$transaction(async (tx) => {
    const alert = check(
      await lockAlert(tx, alertId),
      who,
      mayAcknowledge,
      'Only the alert’s audience may acknowledge it',
    );
    if (alert.state !== 'active') return { changed: false, alert };
    const at = deps.now();
    const updated = await tx.alert.update({
      where: { id: alertId },
      data: { state: 'acknowledged', acknowledgedBy: who.userId, acknowledgedAt: at },
    });
    await cancelTimersWithPrefix(tx, ESCALATION_TIMER, `${alertId}:`);
    await appendAudit(tx, alertId, [{ action: 'acknowledged', actorId: who.userId, level: updated.level, at }]);
    await deps.outbox.enqueue(tx, 'emergency.acknowledged', { alert: toAlert(updated) });
    return { changed: true, alert: updated };
  });
  const alert = toAlert(outcome.alert);
  if (outcome.changed) broadcastAlert(deps.broadcaster, 'emergency:acknowledged', alert, outcome.alert);
  return { alert };
}

/** The user, the acknowledger or an admin resolves (from active too); the alert's slot frees up. */
export async function resolveAlert(
  deps: EmergencyDeps,
  who: Principal,
  { alertId, resolution }: EmergencyResolvePayload,
): Promise<AlertResult> {
  const row = await deps.db.$transaction(async (tx) => {
    check(await lockAlert(tx, alertId), who, mayResolve, 'Only the user, the acknowledger or an admin may resolve it');
    const at = deps.now();
    const updated = await tx.alert.update({
      where: { id: alertId },
      data: {
        state: 'resolved',
        openKey: null,
        resolvedBy: who.userId,
        resolvedAt: at,
        resolution: resolution ?? null,
      },
    });
    await cancelTimersWithPrefix(tx, ESCALATION_TIMER, `${alertId}:`);
    await appendAudit(tx, alertId, [
      {
        action: 'resolved',
        actorId: who.userId,
        level: updated.level,
        at,
        ...(resolution ? { detail: { resolution } } : {}),
      },
    ]);
    await deps.outbox.enqueue(tx, 'emergency.resolved', { alert: toAlert(updated) });
    return updated;
  });
  const alert = toAlert(row);
  closeAlertRoom(deps.broadcaster, alert, row);
  return { alert };
}
