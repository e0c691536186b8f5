import type { Prisma } from '@switchboard/db';
import type { AfterCommit, DueTimer, TimerHandler } from '@switchboard/timers';
import { z } from 'zod';
import { appendAudit, lockAlert, toAlert } from './alert-store.ts';
import { type EmergencyDeps, ESCALATION_TIMER } from './deps.ts';
import { announceEscalation } from './fanout.ts';
import { policyOf } from './policy.ts';

const StepPayload = z.object({ alertId: z.string(), level: z.number().int() });

/**
 * One escalation step, fired by the durable timer worker inside the transaction that claimed
 * the timer row (`FOR UPDATE SKIP LOCKED`): raising the level, the audit line and the webhook
 * event commit with the row's deletion, so a step fires once across replicas and crashes. A
 * restarted worker's first poll is the watchdog: every overdue step is due and fires at once.
 * Steps are idempotent on the alert: a level already reached, or an alert no longer `active`,
 * does nothing (acknowledge cancels the timers, this covers a row that escaped).
 */
export function escalationStep(deps: EmergencyDeps): TimerHandler {
  return async (timer: DueTimer, tx: Prisma.TransactionClient): Promise<AfterCommit | undefined> => {
    const parsed = StepPayload.safeParse(timer.payload);
    if (!parsed.success) {
      deps.log.error({ key: timer.key }, 'escalation timer with a malformed payload dropped');
      return undefined;
    }
    const { alertId, level } = parsed.data;
    const alert = await lockAlert(tx, alertId);
    if (!alert) return undefined;
    if (alert.state !== 'active' || alert.level >= level) return undefined;
    const step = policyOf(alert.policy).find((s) => s.level === level);
    if (!step) return undefined;
    // Levels go up in order: when replicas take two overdue steps of one alert at once (after a
    // restart), the later one waits for the earlier, which is still pending, instead of skipping it.
    if (alert.level < level - 1 && (await pendingStep(tx, alertId, level - 1))) {
      throw new Error(`escalation of ${alertId} to level ${level} waits for level ${level - 1}`);
    }

    const at = deps.now();
    const updated = await tx.alert.update({
      where: { id: alertId },
      data: {
        level,
        reachedRoles: alert.reachedRoles.includes(step.role) ? alert.reachedRoles : [...alert.reachedRoles, step.role],
      },
    });
    await appendAudit(tx, alertId, [
      {
        action: 'escalated',
        level,
        at,
        detail: { role: step.role, dueAt: timer.dueAt.toISOString(), latenessMs: at.getTime() - timer.dueAt.getTime() },
      },
    ]);
    await deps.outbox.enqueue(tx, 'emergency.escalated', { alert: toAlert(updated), level, role: step.role });
    return () => {
      announceEscalation(deps.broadcaster, toAlert(updated), updated, step.role);
      deps.log.info({ alertId, level, role: step.role }, 'alert escalated');
    };
  };
}

async function pendingStep(tx: Prisma.TransactionClient, alertId: string, level: number): Promise<boolean> {
  const id = `${ESCALATION_TIMER}:${alertId}:${level}`;
  return (await tx.durableTimer.count({ where: { id } })) > 0;
}
