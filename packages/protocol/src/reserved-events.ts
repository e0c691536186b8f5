import { CLIENT_SIGNALS, GATEWAY_REQUESTS, REQUESTS, SERVER_EVENTS } from './events.ts';

/** Names Socket.IO itself gives meaning to: a published event by these names would confuse every client. */
const SOCKET_IO_RESERVED = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'];

/**
 * Every event name Switchboard or Socket.IO already uses, in either direction: `POST /api/publish`
 * refuses these, so a backend can never forge `message:new` or `connected` for a client.
 */
export const RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
  ...SOCKET_IO_RESERVED,
  ...SERVER_EVENTS,
  ...Object.keys(REQUESTS),
  ...Object.keys(CLIENT_SIGNALS),
  ...Object.keys(GATEWAY_REQUESTS),
]);

export function isReservedEventName(name: string): boolean {
  return RESERVED_EVENT_NAMES.has(name);
}
