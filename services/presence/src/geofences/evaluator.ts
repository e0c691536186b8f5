import type { Db, Prisma } from '@switchboard/db';
import { type GeofenceViolationEvent, socketRooms } from '@switchboard/protocol';
import type { Broadcaster, Logger } from '@switchboard/runtime';
import type { WebhookOutbox } from '@switchboard/webhooks';
import { LOCATION_WATCHER_ROLE } from '../location/location-service.ts';
import { GeofenceShape, nextInside, type Point, signedDistanceMeters } from './geometry.ts';

/** A violation of a fence marked `raisesAlert`: the notification service raises an SOS for it. */
export type AlertRaiser = (event: GeofenceViolationEvent, userName: string) => void;

export interface GeofenceEvaluatorDeps {
  db: Db;
  broadcaster: Broadcaster;
  log: Logger;
  raiseAlert?: AlertRaiser;
  /** `geofence.violation` webhooks, written in the transaction of the crossing's state change. */
  outbox?: WebhookOutbox;
}

export interface LocationFix extends Point {
  userId: string;
  /** The user's display name (for an alert a fence raises). */
  name?: string;
  roomIds: string[];
  timestamp: string;
}

/**
 * Checks a fix against the user's fences and their rooms' fences. The inside/outside state per
 * (fence, user) lives in Postgres and changes with a compare-and-set, so a crossing raises one
 * `geofence:violation` even when two presence processes see fixes of the same user at once.
 * With no state yet, a user is assumed inside safe zones and outside danger zones.
 */
export function createGeofenceEvaluator({ db, broadcaster, log, raiseAlert, outbox }: GeofenceEvaluatorDeps) {
  async function flip(
    tx: Prisma.TransactionClient,
    geofenceId: string,
    userId: string,
    from: boolean,
    to: boolean,
    hadState: boolean,
  ): Promise<boolean> {
    if (hadState) {
      const { count } = await tx.geofenceState.updateMany({
        where: { geofenceId, userId, inside: from },
        data: { inside: to },
      });
      return count === 1;
    }
    const { count } = await tx.geofenceState.createMany({
      data: [{ geofenceId, userId, inside: to }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  return async function evaluate(fix: LocationFix): Promise<GeofenceViolationEvent[]> {
    const fences = await db.geofence.findMany({
      where: { OR: [{ userId: fix.userId }, ...(fix.roomIds.length ? [{ roomId: { in: fix.roomIds } }] : [])] },
    });
    if (fences.length === 0) return [];
    const states = await db.geofenceState.findMany({
      where: { userId: fix.userId, geofenceId: { in: fences.map((f) => f.id) } },
    });
    const stateOf = new Map(states.map((s) => [s.geofenceId, s.inside]));
    const raised: GeofenceViolationEvent[] = [];

    for (const fence of fences) {
      const shape = GeofenceShape.safeParse(fence.shape);
      if (!shape.success) {
        log.warn({ geofenceId: fence.id }, 'geofence shape unreadable');
        continue;
      }
      const had = stateOf.get(fence.id);
      const was = had ?? fence.kind === 'safe';
      const now = nextInside(was, signedDistanceMeters(shape.data, fix));
      if (now === was) continue;
      const violation = fence.kind === 'danger' ? now : !now;
      const event: GeofenceViolationEvent = {
        geofenceId: fence.id,
        name: fence.name,
        kind: fence.kind === 'danger' ? 'danger' : 'safe',
        userId: fix.userId,
        ...(fence.roomId ? { roomId: fence.roomId } : {}),
        transition: now ? 'entered' : 'left',
        latitude: fix.latitude,
        longitude: fix.longitude,
        timestamp: fix.timestamp,
      };
      // The webhook row commits with the state flip: exactly one per crossing, even on a crash.
      const flipped = await db.$transaction(async (tx) => {
        if (!(await flip(tx, fence.id, fix.userId, was, now, had !== undefined))) return false;
        if (violation && outbox?.enabled) await outbox.enqueue(tx, 'geofence.violation', { ...event });
        return true;
      });
      if (!flipped || !violation) continue;
      const rooms = fence.roomId ? [fence.roomId] : fix.roomIds;
      broadcaster
        .to([...rooms.map(socketRooms.room), socketRooms.role(LOCATION_WATCHER_ROLE)])
        .emit('geofence:violation', event);
      if (fence.raisesAlert) raiseAlert?.(event, fix.name ?? fix.userId);
      raised.push(event);
    }
    return raised;
  };
}

export type GeofenceEvaluator = ReturnType<typeof createGeofenceEvaluator>;
