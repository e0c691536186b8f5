import {
  type LocationEvent,
  type LocationUpdatePayload,
  type LocationUpdateResult,
  type Principal,
  type RequestContext,
  socketRooms,
} from '@switchboard/protocol';
import { AppError, type Broadcaster, type Logger } from '@switchboard/runtime';
import type { RoomsOfUser } from '../fanout/rooms-of-user.ts';
import type { GeofenceEvaluator } from '../geofences/evaluator.ts';
import { LOCATION_TOO_FAST } from '../refusals.ts';
import type { HistoryWriter } from './history-writer.ts';
import type { UploadLimiter } from './upload-limiter.ts';

export interface LocationServiceDeps {
  limiter: UploadLimiter;
  roomsOf: RoomsOfUser;
  broadcaster: Broadcaster;
  history: HistoryWriter;
  evaluateGeofences: GeofenceEvaluator;
  log: Logger;
}

/** Supervisors watch everyone's position (the workforce product). */
export const LOCATION_WATCHER_ROLE = 'supervisor';

/**
 * One location upload, from the socket or REST: rate limit, fan out to the user's rooms and to
 * supervisors, buffer for history, check geofences. The payload is already validated.
 */
export function createLocationService({
  limiter,
  roomsOf,
  broadcaster,
  history,
  evaluateGeofences,
  log,
}: LocationServiceDeps) {
  return async function update(
    principal: Principal,
    payload: LocationUpdatePayload,
    ctx: RequestContext,
  ): Promise<LocationUpdateResult> {
    if (!(await limiter.take(principal.userId))) throw new AppError('RATE_LIMITED', LOCATION_TOO_FAST);
    // Messaging down: supervisors still see the fix, rooms do not (never guess memberships).
    const roomIds = (await roomsOf(principal.userId, ctx)) ?? [];
    const event: LocationEvent = {
      userId: principal.userId,
      name: principal.name,
      latitude: payload.latitude,
      longitude: payload.longitude,
      accuracy: payload.accuracy ?? null,
      timestamp: payload.timestamp,
      ...(payload.battery !== undefined ? { battery: payload.battery } : {}),
    };
    // `alert:{userId}`: whoever an open emergency alert of this user reached (escalation roles
    // included) follows the position; the notification service manages that room's members.
    broadcaster
      .to([
        ...roomIds.map(socketRooms.room),
        socketRooms.role(LOCATION_WATCHER_ROLE),
        socketRooms.alert(principal.userId),
      ])
      .emit('location:update', event);
    history.add({
      userId: principal.userId,
      latitude: payload.latitude,
      longitude: payload.longitude,
      accuracy: payload.accuracy ?? null,
      battery: payload.battery ?? null,
      recordedAt: new Date(payload.timestamp),
    });
    try {
      await evaluateGeofences({
        userId: principal.userId,
        latitude: payload.latitude,
        longitude: payload.longitude,
        roomIds,
        timestamp: payload.timestamp,
      });
    } catch (error) {
      log.error({ err: error, userId: principal.userId }, 'geofence evaluation failed');
    }
    return { rooms: roomIds };
  };
}

export type LocationService = ReturnType<typeof createLocationService>;
