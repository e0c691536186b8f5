import { z } from 'zod';
import { Latitude, LatLng, Longitude, UserIds } from './common.ts';

export const PRESENCE_STATUSES = ['online', 'away', 'busy', 'in_call', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];
/** What a client may set; `offline` is derived from having no device connected. */
export const SETTABLE_STATUSES = ['online', 'away', 'busy', 'in_call'] as const;

export const PresenceUsersPayload = z.object({ userIds: UserIds });
export const PresenceSetStatusPayload = z.object({
  status: z.enum(SETTABLE_STATUSES),
  customStatus: z.string().max(140).optional(),
});

export interface Presence {
  userId: string;
  status: PresenceStatus;
  customStatus?: string;
  lastSeen: string;
}
export interface PresencesResult {
  presences: Presence[];
}

/** Allowed clock skew for location timestamps from the future. */
export const LOCATION_FUTURE_SKEW_MS = 60_000;

export const LocationUpdatePayload = z.object({
  latitude: Latitude,
  longitude: Longitude,
  accuracy: z.number().min(0).optional(),
  timestamp: z
    .string()
    .datetime({ offset: true })
    .refine((t) => Date.parse(t) <= Date.now() + LOCATION_FUTURE_SKEW_MS, 'is in the future'),
  battery: z.number().min(0).max(100).optional(),
});
export type LocationUpdatePayload = z.infer<typeof LocationUpdatePayload>;

export interface LocationUpdateResult {
  rooms: string[];
}
export interface LocationEvent {
  userId: string;
  name: string;
  latitude: number;
  longitude: number;
  accuracy: number | null;
  timestamp: string;
  battery?: number;
}

export const GEOFENCE_KINDS = ['safe', 'danger'] as const;
export const GeofenceCreatePayload = z
  .object({
    name: z.string().min(1).max(200),
    kind: z.enum(GEOFENCE_KINDS),
    userId: z.string().min(1).max(128).optional(),
    roomId: z.string().min(1).max(128).optional(),
    /** A violation of this fence also raises an emergency alert (type SECURITY) for the user. */
    raisesAlert: z.boolean().optional(),
    shape: z.discriminatedUnion('type', [
      z.object({ type: z.literal('circle'), center: LatLng, radiusMeters: z.number().positive().max(1_000_000) }),
      z.object({ type: z.literal('polygon'), points: z.array(LatLng).min(3).max(500) }),
    ]),
  })
  .refine((g) => Boolean(g.userId) !== Boolean(g.roomId), {
    message: 'needs exactly one of userId or roomId',
    path: ['userId'],
  });
export type GeofenceCreatePayload = z.infer<typeof GeofenceCreatePayload>;

export interface GeofenceViolationEvent {
  geofenceId: string;
  name: string;
  kind: 'safe' | 'danger';
  userId: string;
  roomId?: string;
  transition: 'entered' | 'left';
  latitude: number;
  longitude: number;
  timestamp: string;
}
