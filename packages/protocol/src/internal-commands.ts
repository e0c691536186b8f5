// Commands between processes that are not client events. Each entry is a schema (validated by
// the bus on the receiving side) and a phantom result type; `commands.ts` merges them with the
// client requests into the one registry the bus is typed against.
import { z } from 'zod';
import { Id } from './common.ts';
import { GeofenceAlertPayload, type SosResult } from './emergencies.ts';
import {
  NotificationCreatePayload,
  type NotificationCreateResult,
  PublishPayload,
  type PublishResult,
} from './notifications.ts';

export interface CommandSpec<S extends z.ZodType = z.ZodType, R = unknown> {
  schema: S;
  /** Phantom field carrying the reply type. */
  result?: R;
  /** Payload field whose value orders the command on the bus (see partition-keys.ts). */
  partitionKey?: string;
}

export function command<S extends z.ZodType, R>(schema: S): CommandSpec<S, R> {
  return { schema };
}

type Empty = Record<string, never>;
const EmptyCommand = z.object({});

export const SessionPayload = z.object({ socketId: Id, gatewayId: Id });
export type SessionPayload = z.infer<typeof SessionPayload>;

/** `unread`: per room in `rooms`, the user's unread message count. */
export interface SessionOpenResult {
  rooms: string[];
  unread?: Record<string, number>;
}

/**
 * One socket of a batched `sessions:open`/`sessions:close`: the socket and the principal its
 * token carried, since one bus entry speaks for many users (each handled with its own context).
 */
export const SessionEntry = z.object({
  socketId: Id,
  userId: Id,
  name: z.string().max(200),
  role: z.string().max(64),
  phone: z.string().max(32).optional(),
});
export type SessionEntry = z.infer<typeof SessionEntry>;

/** Most sockets one batched session command carries (the gateway's window flushes at this size). */
export const SESSION_BATCH_MAX = 500;

/**
 * Sockets of one gateway that opened (or closed) within one short window, in the order they did.
 * Ordered on the bus by `gatewayId`: a socket's close, always sent after its open by the same
 * gateway, is handled after it.
 */
export const SessionsPayload = z.object({
  gatewayId: Id,
  sessions: z.array(SessionEntry).min(1).max(SESSION_BATCH_MAX),
});
export type SessionsPayload = z.infer<typeof SessionsPayload>;

/** Per socket of a batched `sessions:open`, in the payload's order: its answer, or why it has none. */
export type SessionOpenOutcome = ({ ok: true } & SessionOpenResult) | { ok: false; code: string };
export interface SessionsOpenResult {
  sessions: SessionOpenOutcome[];
}

export const RoomsOfUserPayload = z.object({ userId: Id });
export interface RoomsOfUserResult {
  roomIds: string[];
}

/**
 * `candidates` (up to 500, like `presence:get`): which of them share at least one room with
 * `userId`. One query, whatever the number of candidates.
 */
export const UsersSharingRoomPayload = z.object({ userId: Id, candidates: z.array(Id).max(500) });
/** `rooms:ofUsers`: `rooms:ofUser` for up to 500 users in one query (presence's fan-out of a batch). */
export const RoomsOfUsersPayload = z.object({ userIds: z.array(Id).min(1).max(500) });
export interface RoomsOfUsersResult {
  /** Per user asked, its room ids (a user in no room maps to `[]`). */
  roomIds: Record<string, string[]>;
}

export interface UsersSharingRoomResult {
  userIds: string[];
}

export interface CallStatsResult {
  activeCalls: number;
  ringingCalls: number;
}

export interface StatsGetResult {
  rooms: number;
  activeRooms?: number;
}

/** One socket of a gateway and its user, so presence can rebuild its state after losing Redis. */
export const HeartbeatSocket = z.object({ socketId: Id, userId: Id });
export type HeartbeatSocket = z.infer<typeof HeartbeatSocket>;
/**
 * `sockets` (optional, additive) repeats `socketIds` with each socket's user: with it, presence
 * re-creates socket→user state after a Redis restart from the next heartbeat alone.
 */
export const GatewayHeartbeatPayload = z.object({
  gatewayId: Id,
  socketIds: z.array(Id).max(500_000),
  intervalMs: z.number().positive().max(3_600_000),
  sockets: z.array(HeartbeatSocket).max(500_000).optional(),
});
export type GatewayHeartbeatPayload = z.infer<typeof GatewayHeartbeatPayload>;

/** Most users one `presence:activities` carries (the gateway's window flushes at this size). */
export const ACTIVITY_BATCH_MAX = 1000;

/**
 * The users a gateway saw do something within one short window, each once. Ordered on the bus by
 * `gatewayId`, like the gateway's session batches.
 */
export const ActivitiesPayload = z.object({
  gatewayId: Id,
  userIds: z.array(Id).min(1).max(ACTIVITY_BATCH_MAX),
});
export type ActivitiesPayload = z.infer<typeof ActivitiesPayload>;

/** An emergency contact of a room: the normalised phone, and the user id when a user with it is known. */
export interface RoomContact {
  phone: string;
  userId?: string;
}
export interface OwnedRoom {
  roomId: string;
  memberIds: string[];
  contacts: RoomContact[];
}
export const OwnedRoomsPayload = z.object({ userId: Id });
/** Every room `userId` owns (an SOS activates them all), with members and emergency contacts. */
export interface OwnedRoomsResult {
  rooms: OwnedRoom[];
}

/** Internal commands per owning service. */
export const INTERNAL_COMMANDS = {
  messaging: {
    /** Gateway, on connect: remember the user, auto-join emergency rooms, answer the socket's rooms. */
    'session:open': command<typeof SessionPayload, SessionOpenResult>(SessionPayload),
    /** Gateway, batched `session:open`: one answer per socket, in the payload's order. */
    'sessions:open': command<typeof SessionsPayload, SessionsOpenResult>(SessionsPayload),
    /** Presence: the rooms a user is a member of (location fan-out). */
    'rooms:ofUser': command<typeof RoomsOfUserPayload, RoomsOfUserResult>(RoomsOfUserPayload),
    /** Presence: the rooms of many users, for the changes of one fan-out. */
    'rooms:ofUsers': command<typeof RoomsOfUsersPayload, RoomsOfUsersResult>(RoomsOfUsersPayload),
    /** Gateway, for `GET /api/stats`: room counts. */
    'stats:get': command<typeof EmptyCommand, StatsGetResult>(EmptyCommand),
    /** Presence: who of `candidates` may see `userId`'s presence (they share a room). */
    'users:sharingRoom': command<typeof UsersSharingRoomPayload, UsersSharingRoomResult>(UsersSharingRoomPayload),
    /** Notification, on SOS: the rooms the user owns with their members and emergency contacts. */
    'rooms:ownedWithContacts': command<typeof OwnedRoomsPayload, OwnedRoomsResult>(OwnedRoomsPayload),
  },
  presence: {
    'session:open': command<typeof SessionPayload, Empty>(SessionPayload),
    'session:close': command<typeof SessionPayload, Empty>(SessionPayload),
    /** Gateway, batched `session:open`/`session:close` (the single ones stay for older gateways). */
    'sessions:open': command<typeof SessionsPayload, Empty>(SessionsPayload),
    'sessions:close': command<typeof SessionsPayload, Empty>(SessionsPayload),
    'gateway:heartbeat': command<typeof GatewayHeartbeatPayload, Empty>(GatewayHeartbeatPayload),
    /** Gateway, throttled: the user did something (clears automatic `away`). Older gateways send this one. */
    'presence:activity': command<typeof EmptyCommand, Empty>(EmptyCommand),
    /** Gateway, batched `presence:activity`: one entry per window for every user it saw active. */
    'presence:activities': command<typeof ActivitiesPayload, Empty>(ActivitiesPayload),
  },
  'call-signaling': {
    /** Gateway, on connect and disconnect: a party's device came or went (reconnect grace of accepted calls). */
    'session:open': command<typeof SessionPayload, Empty>(SessionPayload),
    'session:close': command<typeof SessionPayload, Empty>(SessionPayload),
    'sessions:open': command<typeof SessionsPayload, Empty>(SessionsPayload),
    'sessions:close': command<typeof SessionsPayload, Empty>(SessionsPayload),
    /** Gateway, for `GET /api/stats`: calls ringing and accepted right now. */
    'calls:stats': command<typeof EmptyCommand, CallStatsResult>(EmptyCommand),
  },
  notification: {
    /** Gateway, on connect: join the socket to its topics, push its unread count and any open alert it must see. */
    'session:open': command<typeof SessionPayload, Empty>(SessionPayload),
    /** Gateway, on disconnect: the socket is gone (nothing to undo today: its rooms went with it). */
    'session:close': command<typeof SessionPayload, Empty>(SessionPayload),
    'sessions:open': command<typeof SessionsPayload, Empty>(SessionsPayload),
    'sessions:close': command<typeof SessionsPayload, Empty>(SessionsPayload),
    /** Persist a notification for its recipients and push it (missed calls, offline emergency contacts). */
    'notification:create': command<typeof NotificationCreatePayload, NotificationCreateResult>(
      NotificationCreatePayload,
    ),
    /** Presence: a fence marked `raisesAlert` was violated; raises (or answers) the user's SOS, type SECURITY. */
    'emergency:geofence': command<typeof GeofenceAlertPayload, SosResult>(GeofenceAlertPayload),
    /** An ephemeral event to live sockets, through the same code as `POST /api/publish`. */
    'notification:publish': command<typeof PublishPayload, PublishResult>(PublishPayload),
  },
} as const;
