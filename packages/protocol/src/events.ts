// The single place where event names are spelled. Everything else imports these maps.
import type { z } from 'zod';
import * as calls from './calls.ts';
import * as emergencies from './emergencies.ts';
import type { AckFn } from './errors.ts';
import * as messaging from './messaging.ts';
import * as notifications from './notifications.ts';
import * as presence from './presence.ts';
import * as rooms from './rooms.ts';
import * as tokenLifetime from './token-lifetime.ts';

export const SERVICES = ['messaging', 'presence', 'call-signaling', 'notification'] as const;
export type ServiceName = (typeof SERVICES)[number];

interface RequestSpec<S extends z.ZodType, R, Owner extends ServiceName> {
  schema: S;
  /** The service that owns the request; the gateway forwards it there over the bus. */
  service: Owner;
  /**
   * Rate-limit bucket, so cheap reads and expensive writes are limited separately. `unlimited`:
   * never refused by a rate limit (SOS; repeated presses are absorbed by the one-alert rule).
   */
  bucket: Bucket;
  /** Phantom field carrying the ack result type. */
  result?: R;
}

type Bucket = 'write' | 'read' | 'signal' | 'unlimited';
type LimitedBucket = Exclude<Bucket, 'unlimited'>;

/** Requests owned by one service: `owned('messaging')<Schema, Result>(schema, bucket)`. */
function owned<Owner extends ServiceName>(service: Owner) {
  return <S extends z.ZodType, R>(schema: S, bucket: Bucket): RequestSpec<S, R, Owner> => ({ schema, service, bucket });
}
const messagingRequest = owned('messaging');
const presenceRequest = owned('presence');
const callRequest = owned('call-signaling');
const notificationRequest = owned('notification');

type Empty = Record<string, never>;

/** Client → server requests that take an ack. */
export const REQUESTS = {
  'room:create': messagingRequest<typeof rooms.RoomCreatePayload, rooms.RoomCreateResult>(
    rooms.RoomCreatePayload,
    'write',
  ),
  'room:join': messagingRequest<typeof rooms.RoomIdPayload, rooms.RoomJoinResult>(rooms.RoomIdPayload, 'write'),
  'room:leave': messagingRequest<typeof rooms.RoomIdPayload, Empty>(rooms.RoomIdPayload, 'write'),
  'room:participants': messagingRequest<typeof rooms.RoomIdPayload, rooms.RoomParticipantsResult>(
    rooms.RoomIdPayload,
    'read',
  ),
  'room:requestJoin': messagingRequest<typeof rooms.RoomIdPayload, Empty>(rooms.RoomIdPayload, 'write'),
  'room:approveJoin': messagingRequest<typeof rooms.RoomUserPayload, Empty>(rooms.RoomUserPayload, 'write'),
  'room:denyJoin': messagingRequest<typeof rooms.RoomUserPayload, Empty>(rooms.RoomUserPayload, 'write'),

  'message:send': messagingRequest<typeof messaging.MessageSendPayload, messaging.MessageSendResult>(
    messaging.MessageSendPayload,
    'write',
  ),
  'message:history': messagingRequest<typeof messaging.MessageHistoryPayload, messaging.MessageHistoryResult>(
    messaging.MessageHistoryPayload,
    'read',
  ),
  'message:delivered': messagingRequest<typeof messaging.CursorPayload, Empty>(messaging.CursorPayload, 'read'),
  'message:read': messagingRequest<typeof messaging.CursorPayload, Empty>(messaging.CursorPayload, 'read'),
  sync: messagingRequest<typeof messaging.SyncPayload, messaging.SyncResult>(messaging.SyncPayload, 'read'),

  'presence:get': presenceRequest<typeof presence.PresenceUsersPayload, presence.PresencesResult>(
    presence.PresenceUsersPayload,
    'read',
  ),
  'presence:setStatus': presenceRequest<typeof presence.PresenceSetStatusPayload, Empty>(
    presence.PresenceSetStatusPayload,
    'write',
  ),
  'presence:subscribe': presenceRequest<typeof presence.PresenceUsersPayload, presence.PresencesResult>(
    presence.PresenceUsersPayload,
    'read',
  ),
  'presence:unsubscribe': presenceRequest<typeof presence.PresenceUsersPayload, Empty>(
    presence.PresenceUsersPayload,
    'read',
  ),
  'location:update': presenceRequest<typeof presence.LocationUpdatePayload, presence.LocationUpdateResult>(
    presence.LocationUpdatePayload,
    'signal',
  ),

  'call:initiate': callRequest<typeof calls.CallInitiatePayload, calls.CallInitiateResult>(
    calls.CallInitiatePayload,
    'write',
  ),
  'call:accept': callRequest<typeof calls.CallIdPayload, calls.CallResult>(calls.CallIdPayload, 'write'),
  'call:reject': callRequest<typeof calls.CallDecisionPayload, Empty>(calls.CallDecisionPayload, 'write'),
  'call:end': callRequest<typeof calls.CallIdPayload, Empty>(calls.CallIdPayload, 'write'),
  'call:signal': callRequest<typeof calls.CallSignalPayload, Empty>(calls.CallSignalPayload, 'signal'),
  'call:quality': callRequest<typeof calls.CallQualityPayload, Empty>(calls.CallQualityPayload, 'signal'),

  'notification:read': notificationRequest<typeof notifications.NotificationIdPayload, Empty>(
    notifications.NotificationIdPayload,
    'read',
  ),
  'notification:readAll': notificationRequest<typeof notifications.EmptyPayload, notifications.MarkedCountResult>(
    notifications.EmptyPayload,
    'read',
  ),
  'notification:getUnreadCount': notificationRequest<
    typeof notifications.EmptyPayload,
    notifications.UnreadCountResult
  >(notifications.EmptyPayload, 'read'),
  'notification:list': notificationRequest<
    typeof notifications.NotificationListPayload,
    notifications.NotificationListResult
  >(notifications.NotificationListPayload, 'read'),
  'notification:subscribe': notificationRequest<typeof notifications.TopicsPayload, notifications.TopicsResult>(
    notifications.TopicsPayload,
    'read',
  ),
  'notification:unsubscribe': notificationRequest<typeof notifications.TopicsPayload, notifications.TopicsResult>(
    notifications.TopicsPayload,
    'read',
  ),
  'emergency:sos': notificationRequest<typeof emergencies.EmergencySosPayload, emergencies.SosResult>(
    emergencies.EmergencySosPayload,
    'unlimited',
  ),
  'emergency:acknowledge': notificationRequest<typeof emergencies.AlertIdPayload, emergencies.AlertResult>(
    emergencies.AlertIdPayload,
    'write',
  ),
  'emergency:resolve': notificationRequest<typeof emergencies.EmergencyResolvePayload, emergencies.AlertResult>(
    emergencies.EmergencyResolvePayload,
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

interface GatewayRequestSpec<S extends z.ZodType, R> {
  schema: S;
  bucket: LimitedBucket;
  /** Phantom field carrying the ack result type. */
  result?: R;
}
function gatewayRequest<S extends z.ZodType, R>(schema: S, bucket: LimitedBucket): GatewayRequestSpec<S, R> {
  return { schema, bucket };
}

/**
 * Client → server requests with an ack that the gateway answers itself: they concern the socket
 * (its token), not any service's state, so they never cross the bus.
 */
export const GATEWAY_REQUESTS = {
  'auth:refresh': gatewayRequest<typeof tokenLifetime.AuthRefreshPayload, tokenLifetime.AuthRefreshResult>(
    tokenLifetime.AuthRefreshPayload,
    'write',
  ),
} as const;
export type GatewayRequestName = keyof typeof GATEWAY_REQUESTS;
export type GatewayRequestPayload<E extends GatewayRequestName> = z.infer<(typeof GATEWAY_REQUESTS)[E]['schema']>;
export type GatewayRequestResult<E extends GatewayRequestName> = NonNullable<(typeof GATEWAY_REQUESTS)[E]['result']>;

/** Every request a client may send with an ack: the services' and the gateway's own. */
export type ClientRequestName = RequestName | GatewayRequestName;
export type ClientRequestPayload<E extends ClientRequestName> = E extends RequestName
  ? RequestPayload<E>
  : E extends GatewayRequestName
    ? GatewayRequestPayload<E>
    : never;
export type ClientRequestResult<E extends ClientRequestName> = E extends RequestName
  ? RequestResult<E>
  : E extends GatewayRequestName
    ? GatewayRequestResult<E>
    : never;

export function isRequestName(name: string): name is RequestName {
  return Object.hasOwn(REQUESTS, name);
}
export function isClientSignalName(name: string): name is ClientSignalName {
  return Object.hasOwn(CLIENT_SIGNALS, name);
}
export function isGatewayRequestName(name: string): name is GatewayRequestName {
  return Object.hasOwn(GATEWAY_REQUESTS, name);
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
    /** When the socket's token expires (ISO 8601; `null`: it has no `exp`); `auth:refresh` moves it. */
    expiresAt?: string | null;
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
  'notification:unread': (data: notifications.UnreadEvent) => void;
  'emergency:alert': (data: emergencies.EmergencyEvent) => void;
  'emergency:activated': (data: emergencies.EmergencyEvent) => void;
  'emergency:escalated': (data: emergencies.EmergencyEvent) => void;
  'emergency:acknowledged': (data: emergencies.EmergencyEvent) => void;
  'emergency:resolved': (data: emergencies.EmergencyEvent) => void;

  'auth:expired': (data: tokenLifetime.AuthExpiredEvent) => void;
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
  'notification:unread',
  'emergency:alert',
  'emergency:activated',
  'emergency:escalated',
  'emergency:acknowledged',
  'emergency:resolved',
  'auth:expired',
] as const satisfies readonly ServerEventName[];
// `satisfies` refuses names that are not events; this refuses (at compile time) an event left out.
type MustBeNever<T extends never> = T;
// biome-ignore lint/correctness/noUnusedVariables: exists only to fail compilation when an event is left out
type UnlistedServerEvents = MustBeNever<Exclude<ServerEventName, (typeof SERVER_EVENTS)[number]>>;

/** Typed map for socket.io-client's `Socket<ServerToClientEvents, ClientToServerEvents>`. */
export type ClientToServerEvents = {
  [E in RequestName]: (payload: RequestPayload<E>, ack: AckFn<RequestResult<E>>) => void;
} & {
  [E in ClientSignalName]: (payload: z.infer<(typeof CLIENT_SIGNALS)[E]>) => void;
} & {
  [E in GatewayRequestName]: (payload: GatewayRequestPayload<E>, ack: AckFn<GatewayRequestResult<E>>) => void;
};

/** Room names the gateway and services agree on. */
export const socketRooms = {
  user: (userId: string) => `user:${userId}`,
  role: (role: string) => `role:${role}`,
  room: (roomId: string) => `room:${roomId}`,
  /**
   * A user's sockets whose token says `admin` (joined and left as the role changes): presence
   * reaches an admin's subscriptions to people they share no room with only through it.
   */
  admin: (userId: string) => `admin:${userId}`,
  /** Sockets of the users subscribed to a notification topic (`notification:subscribe`). */
  topic: (name: string) => `topic:${name}`,
  /** Sockets whose token carries this normalised phone: how emergency contacts are reached. */
  phone: (phone: string) => `phone:${phone}`,
  /**
   * Everyone alerted about the user's open alert (contacts, room members, escalation roles): the
   * alert's later events go here, and presence sends the user's live location here too.
   */
  alert: (userId: string) => `alert:${userId}`,
} as const;
