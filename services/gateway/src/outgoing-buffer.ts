import type { Logger, Metrics } from '@switchboard/runtime';
import type { GatewaySocket } from './types.ts';

interface EnginePacket {
  data?: unknown;
}
/** The part of `ws`'s WebSocket this module reads. */
interface RawWebSocket {
  bufferedAmount: number;
  terminate(): void;
}
type EngineConnection = GatewaySocket['conn'];

function sizeOf(packet: EnginePacket): number {
  const { data } = packet;
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

function websocketOf(conn: EngineConnection): RawWebSocket | undefined {
  const transport = conn.transport as unknown as { name?: string; socket?: Partial<RawWebSocket> };
  const ws = transport.name === 'websocket' ? transport.socket : undefined;
  return ws && typeof ws.bufferedAmount === 'number' && typeof ws.terminate === 'function'
    ? (ws as RawWebSocket)
    : undefined;
}

export interface OutgoingBufferDeps {
  /** MAX_OUTGOING_BUFFER_BYTES. */
  maxBytes: number;
  log: Logger;
  metrics: Metrics;
}

/**
 * A client that stops reading must not grow the gateway's memory: everything sent to it waits,
 * first in the WebSocket (`bufferedAmount`, once the kernel's buffers are full), then in
 * engine.io's write buffer (packets queued behind the unfinished write). Both are counted, and
 * when a new packet finds more than `maxBytes` already waiting the socket is dropped at once —
 * its buffers freed, not flushed — so one socket holds at most `maxBytes` plus one packet. The
 * client, if it ever reads again, reconnects and recovers what it missed with `sync`.
 * Returns how many bytes wait now (for tests and measurements).
 */
export function boundOutgoingBuffer(socket: GatewaySocket, { maxBytes, log, metrics }: OutgoingBufferDeps) {
  const conn = socket.conn;
  let queued = 0;
  let dropped = false;
  // Looked up once per transport (it changes only on upgrade), not on every packet of a broadcast.
  let transport: unknown;
  let ws: RawWebSocket | undefined;
  const currentWebsocket = () => {
    if (conn.transport !== transport) {
      transport = conn.transport;
      ws = websocketOf(conn);
    }
    return ws;
  };
  const pending = () => queued + (currentWebsocket()?.bufferedAmount ?? 0);

  const drop = (waiting: number) => {
    dropped = true;
    metrics.guards.inc({ guard: 'slow_consumer' });
    log.warn({ socketId: socket.id, userId: socket.data.principal.userId, waiting }, 'slow consumer dropped');
    const raw = websocketOf(conn);
    conn.close(true);
    raw?.terminate();
  };
  conn.on('packetCreate', (packet: EnginePacket) => {
    if (dropped) return;
    const waiting = pending();
    if (waiting > maxBytes) return drop(waiting);
    queued += sizeOf(packet);
  });
  // engine.io hands its whole write buffer to the transport, then emits `drain`.
  conn.on('drain', () => {
    queued = 0;
  });
  return { pending };
}
