import { z } from 'zod';

/**
 * The baselines' own tiny protocol: join a room, send to it, receive what it relays. It is not
 * Switchboard's API (that lives in @switchboard/protocol); it is what a hand-written relay speaks.
 */
export const RELAY_EVENTS = {
  join: 'relay:join',
  send: 'relay:send',
  message: 'relay:message',
} as const;

export const RelayJoinPayload = z.object({ roomId: z.string().min(1).max(128) });
export const RelaySendPayload = z.object({
  roomId: z.string().min(1).max(128),
  content: z.string().min(1).max(10_000),
});

export interface RelayMessage {
  roomId: string;
  senderId: string;
  content: string;
}

export type RelayAck = { success: true } | { success: false; error: string };

export interface RelayServerToClient {
  'relay:message': (message: RelayMessage) => void;
}

export interface RelayClientToServer {
  'relay:join': (payload: z.infer<typeof RelayJoinPayload>, ack: (reply: RelayAck) => void) => void;
  'relay:send': (payload: z.infer<typeof RelaySendPayload>, ack: (reply: RelayAck) => void) => void;
}
