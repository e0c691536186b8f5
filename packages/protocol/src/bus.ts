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
} as const;

export interface SessionOpenResult { rooms: string[] }
export interface SessionOpenPayload { socketId: string; gatewayId: string }
export interface GatewayHeartbeatPayload { gatewayId: string; socketIds: string[]; intervalMs: number }
