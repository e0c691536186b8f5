import crypto from 'node:crypto';
import { signToken } from '@switchboard/runtime';
import type { Socket } from 'socket.io-client';
import {
  RELAY_EVENTS,
  type RelayAck,
  type RelayClientToServer,
  type RelayServerToClient,
} from '../systems/relay-protocol.ts';
import { openSocket } from './clients.ts';
import { ackOrThrow, type Driver } from './driver.ts';

type RelaySocket = Socket<RelayServerToClient, RelayClientToServer>;
const ACK_TIMEOUT_MS = 10_000;

/** Drives the two plain Socket.IO baselines (their rooms are just names; joining creates them). */
export function createRelayDriver(jwtSecret: string): Driver<Socket> {
  return {
    token: (userId) => signToken(jwtSecret, userId, { name: userId }),
    open: (url, token, localAddress) => openSocket(url, token, localAddress),
    async createRoom() {
      return `room-${crypto.randomBytes(8).toString('hex')}`;
    },
    async join(socket, roomId) {
      const s = socket as RelaySocket;
      await ackOrThrow<RelayAck>(s.timeout(ACK_TIMEOUT_MS).emitWithAck(RELAY_EVENTS.join, { roomId }), 'join');
    },
    async send(socket, roomId, content) {
      const s = socket as RelaySocket;
      await ackOrThrow<RelayAck>(s.timeout(ACK_TIMEOUT_MS).emitWithAck(RELAY_EVENTS.send, { roomId, content }), 'send');
    },
    onMessage(socket, handler) {
      (socket as RelaySocket).on(RELAY_EVENTS.message, (message) =>
        handler({ roomId: message.roomId, content: message.content }),
      );
    },
  };
}
