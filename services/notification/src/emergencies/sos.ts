import crypto from 'node:crypto';
import { Prisma } from '@switchboard/db';
import type { EmergencySosPayload, OwnedRoom, RequestContext, SosResult } from '@switchboard/protocol';
import { errorMessage } from '@switchboard/runtime';
import { scheduleTimer } from '@switchboard/timers';
import { type AlertRow, appendAudit, findOpenAlertOf, toAlert } from './alert-store.ts';
import { type AlertAudience, audienceOf } from './audience.ts';
import { notifyOfflineContacts } from './contact-notifications.ts';
import { type EmergencyDeps, ESCALATION_TIMER } from './deps.ts';
import { announceAlert } from './fanout.ts';
import { FIRST_LEVEL } from './policy.ts';

const OWNED_ROOMS_TIMEOUT_MS = 3000;

/**
 * `emergency:sos` and `POST /api/alerts`. One unresolved alert per user: a second press returns
 * the open alert and changes nothing. The alert, its audit, its escalation timers and the
 * webhook event are written in one transaction, so none exists without the others; the fan-out
 * runs after the commit.
 */
export async function triggerSos(
  deps: EmergencyDeps,
  ctx: RequestContext,
  payload: EmergencySosPayload,
): Promise<SosResult> {
  const open = await findOpenAlertOf(deps.db, ctx.userId);
  if (open) return sosResult(open);

  const rooms = await ownedRooms(deps, ctx);
  const audience = audienceOf(ctx.userId, rooms);
  const row = await insertAlert(deps, ctx, payload, audience);
  if (!row.created) return sosResult(row.alert);

  const alert = toAlert(row.alert);
  announceAlert(deps.broadcaster, alert, audience);
  deps.wakeWorker();
  await notifyOfflineContacts(deps, alert, audience.contactUserIds, ctx);
  deps.log.info({ alertId: alert.alertId, userId: ctx.userId, rooms: alert.activatedRooms.length }, 'sos');
  return sosResult(row.alert);
}

function sosResult(row: AlertRow): SosResult {
  const alert = toAlert(row);
  return { alertId: alert.alertId, activatedRooms: alert.activatedRooms, alert };
}

/**
 * Messaging owns rooms and contacts. If it cannot answer, the alert is still raised (escalation
 * to roles does not need rooms) rather than refused: an SOS must never be lost to an outage.
 */
async function ownedRooms(deps: EmergencyDeps, ctx: RequestContext): Promise<OwnedRoom[]> {
  try {
    const { rooms } = await deps.bus.request('messaging', 'rooms:ownedWithContacts', { userId: ctx.userId }, ctx, {
      timeoutMs: OWNED_ROOMS_TIMEOUT_MS,
    });
    return rooms;
  } catch (error) {
    deps.log.error({ err: errorMessage(error), userId: ctx.userId }, 'sos without rooms: messaging did not answer');
    return [];
  }
}

type Inserted = { created: true; alert: AlertRow } | { created: false; alert: AlertRow };

async function insertAlert(
  deps: EmergencyDeps,
  ctx: RequestContext,
  payload: EmergencySosPayload,
  audience: AlertAudience,
): Promise<Inserted> {
  const id = crypto.randomUUID();
  const createdAt = deps.now();
  try {
    const alert = await deps.db.$transaction(async (tx) => {
      const created = await tx.alert.create({
        data: {
          id,
          userId: ctx.userId,
          userName: ctx.name,
          openKey: ctx.userId,
          type: payload.type,
          message: payload.message ?? null,
          ...(payload.location ? { location: payload.location } : {}),
          level: FIRST_LEVEL,
          activatedRooms: audience.activatedRooms,
          contactPhones: audience.contactPhones,
          audienceUserIds: audience.audienceUserIds,
          policy: deps.policy as unknown as Prisma.InputJsonArray,
          createdAt,
        },
      });
      await appendAudit(tx, id, [
        { action: 'triggered', actorId: ctx.userId, level: FIRST_LEVEL, at: createdAt, detail: { type: payload.type } },
        ...audience.contactPhones.map((phone) => ({
          action: 'notified' as const,
          level: FIRST_LEVEL,
          at: createdAt,
          detail: { phone },
        })),
      ]);
      for (const step of deps.policy) {
        await scheduleTimer(tx, {
          kind: ESCALATION_TIMER,
          key: `${id}:${step.level}`,
          dueAt: new Date(createdAt.getTime() + step.delayMs),
          payload: { alertId: id, level: step.level },
        });
      }
      await deps.outbox.enqueue(tx, 'emergency.triggered', { alert: toAlert(created) });
      return created;
    });
    return { created: true, alert };
  } catch (error) {
    // Two presses at once: the unique openKey let one through; answer the other with it.
    if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') throw error;
    const open = await findOpenAlertOf(deps.db, ctx.userId);
    if (!open) throw error;
    return { created: false, alert: open };
  }
}
