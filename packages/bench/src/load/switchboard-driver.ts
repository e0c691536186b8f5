import type { Ack, ClientToServerEvents, RoomJoinResult, ServerToClientEvents } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import type { Socket } from 'socket.io-client';
import { openSocket } from './clients.ts';
import { ackOrThrow, type Driver } from './driver.ts';

type SwitchboardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const ACK_TIMEOUT_MS = 10_000;
/** How long a member waits for `room:autoJoined` before it asks with `room:join` itself. */
const AUTO_JOIN_WAIT_MS = 30_000;
/** Set-up, not measured: a 500-member room:create took over 10 s on the loaded shared machine. */
const CREATE_TIMEOUT_MS = 60_000;

/** Rooms the server put each socket in (`room:autoJoined`, or being its creator), and who waits for one. */
const joined = new WeakMap<Socket, { rooms: Set<string>; waiters: Map<string, () => void> }>();
function membership(socket: Socket) {
  let entry = joined.get(socket);
  if (!entry) {
    entry = { rooms: new Set(), waiters: new Map() };
    joined.set(socket, entry);
  }
  return entry;
}

/**
 * Drives Switchboard through its public protocol: a signed JWT, `room:create` with the members,
 * `message:send` with a clientMessageId, deliveries as `message:new`.
 */
export function createSwitchboardDriver(jwtSecret: string): Driver<Socket> {
  return {
    token: (userId) => signToken(jwtSecret, userId, { name: userId }),
    async open(url, token, localAddress) {
      const socket = await openSocket<SwitchboardSocket>(url, token, localAddress);
      const entry = membership(socket);
      socket.on('room:autoJoined', ({ roomId }) => {
        entry.rooms.add(roomId);
        entry.waiters.get(roomId)?.();
      });
      return socket;
    },
    async createRoom(creator, memberIds) {
      const s = creator as SwitchboardSocket;
      const reply = await ackOrThrow(
        s.timeout(CREATE_TIMEOUT_MS).emitWithAck('room:create', { type: 'group', name: 'bench', memberIds }),
        'room:create',
      );
      membership(creator).rooms.add(reply.room.id);
      return reply.room.id;
    },
    async join(socket, roomId) {
      // Members are put in the room by `room:create` and told so with `room:autoJoined`: waiting
      // for it is what a real client does. `room:join` (which returns the participant list, so
      // 500 of them on a 500-member room cost the set-up minutes) only if it never comes.
      const entry = membership(socket);
      if (!entry.rooms.has(roomId)) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, AUTO_JOIN_WAIT_MS);
          entry.waiters.set(roomId, () => {
            clearTimeout(timer);
            resolve();
          });
        });
        entry.waiters.delete(roomId);
      }
      if (entry.rooms.has(roomId)) return;
      const s = socket as SwitchboardSocket;
      const reply: Ack<RoomJoinResult> = await s.timeout(ACK_TIMEOUT_MS).emitWithAck('room:join', { roomId });
      if (!reply.success && reply.code !== 'CONFLICT') throw new Error(`room:join: ${reply.code} ${reply.error}`);
    },
    async send(socket, roomId, content, messageId) {
      const s = socket as SwitchboardSocket;
      await ackOrThrow(
        s.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', { roomId, content, clientMessageId: messageId }),
        'message:send',
      );
    },
    onMessage(socket, handler) {
      (socket as SwitchboardSocket).on('message:new', (message) =>
        handler({ roomId: message.roomId, content: message.content }),
      );
    },
  };
}
