import type { HopTrace, Metrics } from '@switchboard/runtime';
import type { GatewayServer } from './types.ts';

interface Packet {
  data?: unknown[];
  /** Set for a broadcast that expects acks (`broadcastWithAck`): left to socket.io as is. */
  id?: number;
}
interface LocalSocket {
  client: { writeToEngine(encoded: unknown, opts: unknown): void };
}
/** The two steps of socket.io-adapter's `broadcast` taken over here (`_encode` is private in its types). */
interface BroadcastSteps {
  _encode(packet: Packet, opts: unknown): unknown;
  apply(opts: unknown, callback: (socket: LocalSocket) => void): void;
}

/** The `clientMessageId` of a `message:new` packet, if HOP_TRACE_EVERY samples it. */
function sampledKey(packet: Packet, hops: HopTrace): string | undefined {
  if (!hops.enabled) return undefined;
  const [event, message] = packet.data ?? [];
  if (event !== 'message:new' || !message || typeof message !== 'object') return undefined;
  const key = (message as { clientMessageId?: unknown }).clientMessageId;
  return typeof key === 'string' && hops.sampled(key) ? key : undefined;
}

/**
 * This gateway's part of every broadcast without acks (a service's `message:new` to a room
 * arriving through the Redis adapter, a typing relay…). socket.io-adapter's `broadcast` encodes
 * the packet once (`_encode`) then loops over the local recipients (`apply`), calling for each
 * `notifyOutgoingListeners` — a copy of the socket's listener array and a call of our
 * `events_out` tally — before `writeToEngine`. Here the loop only writes, and `events_out` is
 * added once per broadcast with the number of local recipients: the same counter values, no
 * per-socket listener (direct `socket.emit`s are still counted by `onAnyOutgoing`). Both
 * adapters (in-memory, Redis) run `_encode` then `apply` synchronously, so the packet `_encode`
 * saw is the one `apply` writes; a broadcast with acks, and every other `apply` (socketsJoin,
 * fetchSockets…), goes to socket.io untouched. Sampled messages (HOP_TRACE_EVERY) are marked
 * where the broadcast starts and once every local socket has its frame (ws writes synchronously
 * into the kernel's buffers).
 */
export function takeOverBroadcasts(io: GatewayServer, metrics: Pick<Metrics, 'countOutgoing' | 'hops'>): void {
  const { hops } = metrics;
  const adapter = io.of('/').adapter as unknown as BroadcastSteps;
  const encode = adapter._encode.bind(adapter);
  const apply = adapter.apply.bind(adapter);
  let pending: { packet: Packet; opts: unknown; encoded: unknown; traceKey: string | undefined } | undefined;
  adapter._encode = (packet, opts) => {
    const traceKey = sampledKey(packet, hops);
    if (traceKey) hops.mark(traceKey, 'broadcast starts');
    const encoded = encode(packet, opts);
    // Only once encoding succeeded: the very next call is this broadcast's `apply`.
    pending = packet.id === undefined ? { packet, opts, encoded, traceKey } : undefined;
    return encoded;
  };
  adapter.apply = (opts, callback) => {
    const broadcast = pending;
    pending = undefined;
    if (!broadcast) return apply(opts, callback);
    const { packet, encoded, traceKey } = broadcast;
    let recipients = 0;
    apply(opts, (socket) => {
      recipients++;
      socket.client.writeToEngine(encoded, broadcast.opts);
    });
    const event = packet.data?.[0];
    if (recipients > 0 && typeof event === 'string') metrics.countOutgoing(event, recipients);
    if (traceKey) hops.mark(traceKey, 'written to every local socket');
  };
}
