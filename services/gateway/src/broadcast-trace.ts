import type { HopTrace } from '@switchboard/runtime';
import type { GatewayServer } from './types.ts';

/** The two steps of socket.io-adapter's `broadcast` this module wraps (`_encode` is private in its types). */
interface BroadcastSteps {
  _encode(packet: TracedPacket, opts: unknown): unknown;
  apply(opts: unknown, callback: (socket: unknown) => void): void;
}
interface TracedPacket {
  data?: unknown[];
}

/** The `clientMessageId` of a `message:new` packet, if HOP_TRACE_EVERY samples it. */
function sampledKey(packet: TracedPacket, hops: HopTrace): string | undefined {
  const [event, message] = packet.data ?? [];
  if (event !== 'message:new' || !message || typeof message !== 'object') return undefined;
  const key = (message as { clientMessageId?: unknown }).clientMessageId;
  return typeof key === 'string' && hops.sampled(key) ? key : undefined;
}

/**
 * Marks a sampled `message:new` where this gateway's adapter starts the broadcast (the packet
 * decoded from Redis, or emitted here) and where it has written the frame to every local
 * recipient (ws writes synchronously into the kernel's buffers). Both adapters (in-memory,
 * Redis) broadcast through `_encode` (once per packet) then `apply` (the loop over local
 * sockets), in that order and synchronously; only those two are wrapped, and only when tracing.
 */
export function traceBroadcasts(io: GatewayServer, hops: HopTrace): void {
  if (!hops.enabled) return;
  const adapter = io.of('/').adapter as unknown as BroadcastSteps;
  const encode = adapter._encode.bind(adapter);
  const apply = adapter.apply.bind(adapter);
  let pending: string | undefined;
  adapter._encode = (packet, opts) => {
    pending = sampledKey(packet, hops);
    if (pending) hops.mark(pending, 'broadcast starts');
    return encode(packet, opts);
  };
  adapter.apply = (opts, callback) => {
    const key = pending;
    pending = undefined;
    apply(opts, callback);
    if (key) hops.mark(key, 'written to every local socket');
  };
}
