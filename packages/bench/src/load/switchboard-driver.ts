import type { Ack, ClientToServerEvents, RoomJoinResult, ServerToClientEvents } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import type { Socket } from 'socket.io-client';
import { openSocket } from './clients.ts';
import { ackOrThrow, type Driver } from './driver.ts';

type SwitchboardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const ACK_TIMEOUT_MS = 10_000;

/**
 * Drives Switchboard through its public protocol: a signed JWT, `room:create` with the members,
 * `message:send` with a clientMessageId, deliveries as `message:new`.
 */
export function createSwitchboardDriver(jwtSecret: string): Driver<Socket> {
  return {
    token: (userId) => signToken(jwtSecret, userId, { name: userId }),
    open: (url, token, localAddress) => openSocket(url, token, localAddress),
    async createRoom(creator, memberIds) {
      const s = creator as SwitchboardSocket;
      const reply = await ackOrThrow(
        s.timeout(ACK_TIMEOUT_MS).emitWithAck('room:create', { type: 'group', name: 'bench', memberIds }),
        'room:create',
      );
      return reply.room.id;
    },
    async join(socket, roomId) {
      // Members' sockets are normally put in the room when it is created; joining again is
      // harmless and makes delivery independent of that timing.
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
