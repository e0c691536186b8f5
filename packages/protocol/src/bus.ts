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
} as const;

export interface RoomsOfUserResult { roomIds: string[] }

export interface SessionOpenResult { rooms: string[] }
export interface SessionOpenPayload { socketId: string; gatewayId: string }
export interface GatewayHeartbeatPayload { gatewayId: string; socketIds: string[]; intervalMs: number }
