import type { ClientToServerEvents, Principal, ServerToClientEvents } from '@switchboard/protocol';
import type { Server, Socket } from 'socket.io';

/** Per-socket data. Kept serialisable: the Redis adapter ships it with `fetchSockets()`. */
export interface SocketData {
  principal: Principal;
  /** When the socket's token expires (ms epoch); undefined: it has no `exp`. Moved by `auth:refresh`. */
  expiresAt?: number;
}

// No inter-server events: gateways share state only through the adapter and the bus.
type InterServerEvents = Record<string, never>;

export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
