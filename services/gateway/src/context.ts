import crypto from 'node:crypto';
import type { Principal, RequestContext } from '@switchboard/protocol';

/** The bus context of a client request: who asked, through which socket and gateway. */
export function requestContext(principal: Principal, socketId: string, gatewayId: string): RequestContext {
  return { ...principal, requestId: crypto.randomUUID(), socketId, gatewayId };
}

/** Context of commands the gateway sends on its own behalf (heartbeats), not for a user. */
export function systemContext(gatewayId: string): RequestContext {
  return { userId: 'system', name: 'system', role: 'system', requestId: crypto.randomUUID(), gatewayId };
}
