// Commands between processes that are not client events. Each entry is a schema (validated by
// the bus on the receiving side) and a phantom result type; `commands.ts` merges them with the
// client requests into the one registry the bus is typed against.
import { z } from 'zod';
import { Id } from './common.ts';
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

export const RoomsOfUserPayload = z.object({ userId: Id });
export interface RoomsOfUserResult {
  roomIds: string[];
}

/**
 * `candidates` (up to 500, like `presence:get`): which of them share at least one room with
 * `userId`. One query, whatever the number of candidates.
 */
export const UsersSharingRoomPayload = z.object({ userId: Id, candidates: z.array(Id).max(500) });
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
    /** Presence: the rooms a user is a member of (location fan-out). */
    'rooms:ofUser': command<typeof RoomsOfUserPayload, RoomsOfUserResult>(RoomsOfUserPayload),
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
    'gateway:heartbeat': command<typeof GatewayHeartbeatPayload, Empty>(GatewayHeartbeatPayload),
    /** Gateway, throttled: the user did something (clears automatic `away`). */
    'presence:activity': command<typeof EmptyCommand, Empty>(EmptyCommand),
  },
  'call-signaling': {
    /** Gateway, on connect and disconnect: a party's device came or went (reconnect grace of accepted calls). */
    'session:open': command<typeof SessionPayload, Empty>(SessionPayload),
    'session:close': command<typeof SessionPayload, Empty>(SessionPayload),
    /** Gateway, for `GET /api/stats`: calls ringing and accepted right now. */
    'calls:stats': command<typeof EmptyCommand, CallStatsResult>(EmptyCommand),
  },
  notification: {
    /** Gateway, on connect: join the socket to its topics, push its unread count and any open alert it must see. */
    'session:open': command<typeof SessionPayload, Empty>(SessionPayload),
    /** Gateway, on disconnect: the socket is gone (nothing to undo today: its rooms went with it). */
    'session:close': command<typeof SessionPayload, Empty>(SessionPayload),
    /** Persist a notification for its recipients and push it (missed calls, offline emergency contacts). */
    'notification:create': command<typeof NotificationCreatePayload, NotificationCreateResult>(
      NotificationCreatePayload,
    ),
    /** An ephemeral event to live sockets, through the same code as `POST /api/publish`. */
    'notification:publish': command<typeof PublishPayload, PublishResult>(PublishPayload),
  },
} as const;
