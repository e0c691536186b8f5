// The single place where event names are spelled. Everything else imports these maps.
import type { z } from 'zod';
import * as calls from './calls.ts';
import type { AckFn } from './errors.ts';
import * as messaging from './messaging.ts';
import * as notifications from './notifications.ts';
import * as presence from './presence.ts';
import * as rooms from './rooms.ts';

export const SERVICES = ['messaging', 'presence', 'call-signaling', 'notification'] as const;
export type ServiceName = (typeof SERVICES)[number];

interface RequestSpec<S extends z.ZodType, R> {
  schema: S;
  /** The service that owns the request; the gateway forwards it there over the bus. */
  service: ServiceName;
  /** Rate-limit bucket, so cheap reads and expensive writes are limited separately. */
  bucket: 'write' | 'read' | 'signal';
  /** Phantom field carrying the ack result type. */
  result?: R;
}

function req<S extends z.ZodType, R>(
  service: ServiceName,
  schema: S,
  bucket: RequestSpec<S, R>['bucket'],
): RequestSpec<S, R> {
  return { schema, service, bucket };
}

type Empty = Record<string, never>;

/** Client → server requests that take an ack. */
export const REQUESTS = {
  'room:create': req<typeof rooms.RoomCreatePayload, rooms.RoomCreateResult>(
    'messaging',
    rooms.RoomCreatePayload,
    'write',
  ),
  'room:join': req<typeof rooms.RoomIdPayload, rooms.RoomJoinResult>('messaging', rooms.RoomIdPayload, 'write'),
  'room:leave': req<typeof rooms.RoomIdPayload, Empty>('messaging', rooms.RoomIdPayload, 'write'),
  'room:participants': req<typeof rooms.RoomIdPayload, rooms.RoomParticipantsResult>(
    'messaging',
    rooms.RoomIdPayload,
    'read',
  ),
  'room:requestJoin': req<typeof rooms.RoomIdPayload, Empty>('messaging', rooms.RoomIdPayload, 'write'),
  'room:approveJoin': req<typeof rooms.RoomUserPayload, Empty>('messaging', rooms.RoomUserPayload, 'write'),
  'room:denyJoin': req<typeof rooms.RoomUserPayload, Empty>('messaging', rooms.RoomUserPayload, 'write'),

  'message:send': req<typeof messaging.MessageSendPayload, messaging.MessageSendResult>(
    'messaging',
    messaging.MessageSendPayload,
    'write',
  ),
  'message:history': req<typeof messaging.MessageHistoryPayload, messaging.MessageHistoryResult>(
    'messaging',
    messaging.MessageHistoryPayload,
    'read',
  ),
  'message:delivered': req<typeof messaging.CursorPayload, Empty>('messaging', messaging.CursorPayload, 'read'),
  'message:read': req<typeof messaging.CursorPayload, Empty>('messaging', messaging.CursorPayload, 'read'),
  sync: req<typeof messaging.SyncPayload, messaging.SyncResult>('messaging', messaging.SyncPayload, 'read'),

  'presence:get': req<typeof presence.PresenceUsersPayload, presence.PresencesResult>(
    'presence',
    presence.PresenceUsersPayload,
    'read',
  ),
  'presence:setStatus': req<typeof presence.PresenceSetStatusPayload, Empty>(
    'presence',
    presence.PresenceSetStatusPayload,
    'write',
  ),
  'presence:subscribe': req<typeof presence.PresenceUsersPayload, presence.PresencesResult>(
    'presence',
    presence.PresenceUsersPayload,
    'read',
  ),
  'presence:unsubscribe': req<typeof presence.PresenceUsersPayload, Empty>(
    'presence',
    presence.PresenceUsersPayload,
    'read',
  ),
  'location:update': req<typeof presence.LocationUpdatePayload, presence.LocationUpdateResult>(
    'presence',
    presence.LocationUpdatePayload,
    'signal',
  ),

  'call:initiate': req<typeof calls.CallInitiatePayload, calls.CallInitiateResult>(
    'call-signaling',
    calls.CallInitiatePayload,
    'write',
  ),
  'call:accept': req<typeof calls.CallDecisionPayload, Empty>('call-signaling', calls.CallDecisionPayload, 'write'),
  'call:reject': req<typeof calls.CallDecisionPayload, Empty>('call-signaling', calls.CallDecisionPayload, 'write'),
  'call:end': req<typeof calls.CallIdPayload, Empty>('call-signaling', calls.CallIdPayload, 'write'),
  'call:signal': req<typeof calls.CallSignalPayload, Empty>('call-signaling', calls.CallSignalPayload, 'signal'),
  'call:quality': req<typeof calls.CallQualityPayload, Empty>('call-signaling', calls.CallQualityPayload, 'signal'),

  'notification:read': req<typeof notifications.NotificationIdPayload, Empty>(
    'notification',
    notifications.NotificationIdPayload,
    'read',
  ),
  'notification:readAll': req<typeof notifications.EmptyPayload, notifications.MarkedCountResult>(
    'notification',
    notifications.EmptyPayload,
    'read',
  ),
  'notification:getUnreadCount': req<typeof notifications.EmptyPayload, notifications.UnreadCountResult>(
    'notification',
    notifications.EmptyPayload,
    'read',
  ),
  'notification:list': req<typeof notifications.NotificationListPayload, notifications.NotificationListResult>(
    'notification',
    notifications.NotificationListPayload,
    'read',
  ),
  'notification:subscribe': req<typeof notifications.TopicsPayload, Empty>(
    'notification',
    notifications.TopicsPayload,
    'read',
  ),
  'notification:unsubscribe': req<typeof notifications.TopicsPayload, Empty>(
    'notification',
    notifications.TopicsPayload,
    'read',
  ),
  'emergency:sos': req<typeof notifications.EmergencySosPayload, notifications.SosResult>(
    'notification',
    notifications.EmergencySosPayload,
    'write',
  ),
  'emergency:acknowledge': req<typeof notifications.AlertIdPayload, Empty>(
    'notification',
    notifications.AlertIdPayload,
    'write',
  ),
  'emergency:resolve': req<typeof notifications.AlertIdPayload, Empty>(
    'notification',
    notifications.AlertIdPayload,
    'write',
  ),
} as const;

export type RequestName = keyof typeof REQUESTS;
export type RequestPayload<E extends RequestName> = z.infer<(typeof REQUESTS)[E]['schema']>;
export type RequestResult<E extends RequestName> = NonNullable<(typeof REQUESTS)[E]['result']>;

/**
 * Client → server events without an ack. Typing is ephemeral and authorised locally by the
 * gateway (`socket.rooms.has(roomId)`), so it never crosses the bus.
 */
export const CLIENT_SIGNALS = {
  'typing:start': messaging.TypingPayload,
  'typing:stop': messaging.TypingPayload,
} as const;
export type ClientSignalName = keyof typeof CLIENT_SIGNALS;

export function isRequestName(name: string): name is RequestName {
  return Object.hasOwn(REQUESTS, name);
}
export function isClientSignalName(name: string): name is ClientSignalName {
  return Object.hasOwn(CLIENT_SIGNALS, name);
}

/** Server → client events and their payloads. */
export interface ServerToClientEvents {
  /** `unread`: unread message count per room, when messaging answered in time. */
  connected: (data: {
    userId: string;
    socketId: string;
    serverId: string;
    rooms: string[];
    unread?: Record<string, number>;
  }) => void;
  'server:shutdown': (data: { serverId: string; reconnectInMs: number }) => void;

  'room:userJoined': (data: rooms.RoomUserEvent) => void;
  'room:userLeft': (data: rooms.RoomUserEvent) => void;
  'room:joinRequested': (data: rooms.RoomJoinRequestedEvent) => void;
  'room:joinApproved': (data: { roomId: string; userId: string }) => void;
  'room:joinDenied': (data: { roomId: string; userId: string }) => void;
  'room:autoJoined': (data: rooms.RoomAutoJoinedEvent) => void;

  'message:new': (message: messaging.Message) => void;
  'message:delivered': (data: messaging.CursorEvent) => void;
  'message:read': (data: messaging.CursorEvent) => void;
  'typing:start': (data: messaging.TypingEvent) => void;
  'typing:stop': (data: messaging.TypingEvent) => void;

  'presence:changed': (data: presence.Presence) => void;
  'location:update': (data: presence.LocationEvent) => void;
  'geofence:violation': (data: presence.GeofenceViolationEvent) => void;

  'call:incoming': (data: calls.CallEvent) => void;
  'call:accepted': (data: calls.CallEvent) => void;
  'call:rejected': (data: calls.CallEvent) => void;
  'call:ended': (data: calls.CallEvent) => void;
  'call:missed': (data: calls.CallEvent) => void;
  'call:signal': (data: calls.CallSignalEvent) => void;
  'call:qualityIssue': (data: calls.CallQualityIssueEvent) => void;

  'notification:new': (data: notifications.Notification) => void;
  'emergency:alert': (data: notifications.EmergencyEvent) => void;
  'emergency:activated': (data: notifications.EmergencyEvent) => void;
  'emergency:escalated': (data: notifications.EmergencyEvent) => void;
  'emergency:acknowledged': (data: notifications.EmergencyEvent) => void;
  'emergency:resolved': (data: notifications.EmergencyEvent) => void;
}
export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** Every server → client event name, for docs and tests that check nothing is missing. */
export const SERVER_EVENTS = [
  'connected',
  'server:shutdown',
  'room:userJoined',
  'room:userLeft',
  'room:joinRequested',
  'room:joinApproved',
  'room:joinDenied',
  'room:autoJoined',
  'message:new',
  'message:delivered',
  'message:read',
  'typing:start',
  'typing:stop',
  'presence:changed',
  'location:update',
  'geofence:violation',
  'call:incoming',
  'call:accepted',
  'call:rejected',
  'call:ended',
  'call:missed',
  'call:signal',
  'call:qualityIssue',
  'notification:new',
  'emergency:alert',
  'emergency:activated',
  'emergency:escalated',
  'emergency:acknowledged',
  'emergency:resolved',
] as const satisfies readonly ServerEventName[];
// `satisfies` refuses names that are not events; this refuses (at compile time) an event left out.
type MustBeNever<T extends never> = T;
type UnlistedServerEvents = MustBeNever<Exclude<ServerEventName, (typeof SERVER_EVENTS)[number]>>;

/** Typed map for socket.io-client's `Socket<ServerToClientEvents, ClientToServerEvents>`. */
export type ClientToServerEvents = {
  [E in RequestName]: (payload: RequestPayload<E>, ack: AckFn<RequestResult<E>>) => void;
} & {
  [E in ClientSignalName]: (payload: z.infer<(typeof CLIENT_SIGNALS)[E]>) => void;
};

/** Room names the gateway and services agree on. */
export const socketRooms = {
  user: (userId: string) => `user:${userId}`,
  role: (role: string) => `role:${role}`,
  room: (roomId: string) => `room:${roomId}`,
} as const;
