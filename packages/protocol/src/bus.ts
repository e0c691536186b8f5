import type { Principal } from './auth.ts';

/** Who asked, carried with every bus command so services authorise without a socket. */
export interface RequestContext extends Principal {
  requestId: string;
  socketId?: string;
  gatewayId?: string;
}

/**
 * Commands the gateway sends that are not client events: session lifecycle.
 * `session:open` returns the rooms a new socket must be put in.
 */
export const INTERNAL_COMMANDS = {
  sessionOpen: 'session:open',
  sessionClose: 'session:close',
  gatewayHeartbeat: 'gateway:heartbeat',
  /** Gateway → presence, throttled: the user did something (clears automatic `away`). */
  presenceActivity: 'presence:activity',
  /** Presence → messaging: the rooms a user is a member of (location fan-out). */
  roomsOfUser: 'rooms:ofUser',
  /** Gateway → messaging, for `GET /api/stats`: room counts. Optional: answered UNAVAILABLE if not handled. */
  statsGet: 'stats:get',
} as const;

export interface RoomsOfUserResult {
  roomIds: string[];
}

export interface StatsGetResult {
  rooms: number;
  activeRooms?: number;
}

/** `unread`: per room in `rooms`, the user's unread message count. */
export interface SessionOpenResult {
  rooms: string[];
  unread?: Record<string, number>;
}
export interface SessionOpenPayload {
  socketId: string;
  gatewayId: string;
}
/** One socket of a gateway and its user, so presence can rebuild its state after losing Redis. */
export interface HeartbeatSocket {
  socketId: string;
  userId: string;
}
/**
 * `sockets` (optional, additive) repeats `socketIds` with each socket's user: with it, presence
 * re-creates socket→user state after a Redis restart from the next heartbeat alone.
 */
export interface GatewayHeartbeatPayload {
  gatewayId: string;
  socketIds: string[];
  intervalMs: number;
  sockets?: HeartbeatSocket[];
}
