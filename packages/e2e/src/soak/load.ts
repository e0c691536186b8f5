// The soak's two loads over raw socket.io-client (websocket only, no reconnection): connect /
// disconnect cycles, and pipelined sends from a few sockets, each in a room of its own.
import { io, type Socket } from 'socket.io-client';

/**
 * Resolves on the server's `connected` event, not on the transport's `connect`: the server sends
 * it once the session is open (rooms from messaging joined), so a cycle is a whole session and at
 * most `concurrency` sessions are being opened at once. Leaving at `connect` outran the server
 * (see docs/performance.md, "Soak"): its session work queued without bound.
 */
export function connect(url: string, token: string, timeoutMs = 30_000): Promise<Socket> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('no connected event')), timeoutMs);
    socket.once('connected', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', fail);
    socket.once('disconnect', () => fail(new Error('disconnected before connected')));
  });
}

/** `cycles` connect-then-disconnect rounds, `concurrency` at a time; failures counted, not thrown. */
export async function connectCycles(
  url: string,
  token: (n: number) => string,
  cycles: number,
  concurrency = 20,
  progress?: (done: number) => void,
) {
  let next = 0;
  let done = 0;
  let failed = 0;
  const worker = async () => {
    while (next < cycles) {
      const n = next++;
      try {
        const socket = await connect(url, token(n));
        socket.disconnect();
      } catch {
        failed += 1;
      }
      done += 1;
      if (done % 5000 === 0) progress?.(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { cycles, failed };
}

interface Ack {
  success: boolean;
  code?: string;
}

/** `total` sends over `senders` sockets, each keeping `window` sends in flight. */
export async function sendMessages(
  url: string,
  token: (n: number) => string,
  total: number,
  senders = 8,
  window = 100,
  progress?: (done: number) => void,
) {
  const sockets = await Promise.all(Array.from({ length: senders }, (_, i) => connect(url, token(i))));
  const rooms = await Promise.all(
    sockets.map(async (s, i) => {
      const ack = (await s.timeout(30_000).emitWithAck('room:create', { type: 'group', name: `soak-${i}` })) as Ack & {
        room: { id: string };
      };
      if (!ack.success) throw new Error(`room:create failed: ${ack.code}`);
      return ack.room.id;
    }),
  );
  let next = 0;
  let done = 0;
  let failed = 0;
  const lane = async (socket: Socket, roomId: string) => {
    while (next < total) {
      next += 1;
      const ack = (await socket
        .timeout(60_000)
        .emitWithAck('message:send', { roomId, content: `soak ${next}` })
        .catch(() => ({ success: false }))) as Ack;
      if (!ack.success) failed += 1;
      done += 1;
      if (done % 100_000 === 0) progress?.(done);
    }
  };
  await Promise.all(sockets.flatMap((s, i) => Array.from({ length: window }, () => lane(s, rooms[i]!))));
  for (const s of sockets) s.disconnect();
  return { messages: total, failed };
}
