import type { Principal } from './auth.ts';

/** Who asked, carried with every bus command so services authorise without a socket. */
export interface RequestContext extends Principal {
  requestId: string;
  socketId?: string;
  gatewayId?: string;
}
