import crypto from 'node:crypto';
import type { Principal, RequestContext } from '@switchboard/protocol';

/** The bus context of a user's request, each with a fresh request id to follow it through the logs. */
export function requestContext(
  principal: Principal,
  origin: { socketId?: string; gatewayId?: string } = {},
): RequestContext {
  return { ...principal, requestId: crypto.randomUUID(), ...origin };
}

/** Context of commands a process sends on its own behalf (heartbeats, sweeps, archiving), not for a user. */
export function systemContext(process: string, origin: { gatewayId?: string } = {}): RequestContext {
  return { userId: 'system', name: process, role: 'system', requestId: crypto.randomUUID(), ...origin };
}
