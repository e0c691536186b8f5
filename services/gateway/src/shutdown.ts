import type { Logger } from '@switchboard/runtime';
import type { InFlight } from './in-flight.ts';
import type { GatewayServer, GatewaySocket } from './types.ts';

/** At most this many waves; each closes a slice of the sockets so reconnects spread out. */
const MAX_WAVES = 10;

export interface DrainDeps {
  io: GatewayServer;
  log: Logger;
  gatewayId: string;
  graceMs: number;
  inFlight: InFlight;
  /** Bound on waiting for forwarded requests to be answered. */
  inFlightTimeoutMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Close the transport, not the Socket.IO session: a server-side `disconnect()` tells the client
 * not to reconnect, a closed transport makes it reconnect (through nginx, to a live replica).
 * Buffered packets (`server:shutdown`) are flushed first, except for a polling client between two
 * polls: it cannot take a close packet now, and waiting for its next poll would hold the close for
 * up to 30 s, so its session is dropped and its next poll fails, which also makes it reconnect.
 */
function closeTransport(socket: GatewaySocket, discard = false): void {
  const { transport } = socket.conn;
  socket.conn.close(discard || (transport.name === 'polling' && !transport.writable));
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(20);
}

/**
 * Graceful drain of this gateway's local sockets: announce `server:shutdown` (with when this
 * socket will be closed), then close them in waves spread over `graceMs`. Each socket is closed
 * only once its forwarded requests are answered (bounded), so no ack of accepted work is lost.
 * The caller has already stopped accepting handshakes.
 */
export async function drainSockets({
  io,
  log,
  gatewayId,
  graceMs,
  inFlight,
  inFlightTimeoutMs,
}: DrainDeps): Promise<void> {
  const sockets = [...io.of('/').sockets.values()];
  const waves = Math.max(1, Math.min(MAX_WAVES, sockets.length));
  const step = graceMs / waves;
  log.info({ sockets: sockets.length, waves, graceMs }, 'draining sockets');

  const closing = sockets.map(async (socket, index) => {
    const delayMs = Math.round((index % waves) * step);
    socket.emit('server:shutdown', { serverId: gatewayId, reconnectInMs: delayMs });
    if (delayMs > 0) await sleep(delayMs);
    await inFlight.settle(inFlightTimeoutMs, socket.id);
    closeTransport(socket);
  });
  await Promise.all(closing);
  await inFlight.settle(inFlightTimeoutMs);
  // Whatever is left (a socket that slipped in during the drain) is closed without flushing;
  // then wait, bounded, for the disconnect handlers (presence session close) to run.
  for (const socket of io.of('/').sockets.values()) closeTransport(socket, true);
  await waitUntil(() => io.of('/').sockets.size === 0, 2000);
  log.info({ remaining: io.of('/').sockets.size, pendingRequests: inFlight.size }, 'sockets drained');
}
