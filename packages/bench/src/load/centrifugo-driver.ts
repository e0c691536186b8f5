import crypto from 'node:crypto';
import { signToken } from '@switchboard/runtime';
import { Centrifuge, type PublicationContext, type Subscription } from 'centrifuge';
import WebSocket from 'ws';
import type { BenchClient, Delivered, Driver } from './driver.ts';

const TIMEOUT_MS = 10_000;
const HANDSHAKE_TIMEOUT_MS = 15_000;

/** One Centrifuge client with the handlers the scenario registered (publications arrive per subscription). */
export interface CentrifugoClient extends BenchClient {
  centrifuge: Centrifuge;
  handlers: ((message: Delivered) => void)[];
  subscriptions: Map<string, Subscription>;
}

/** `http://host:port` (what the scenarios pass) → Centrifugo's WebSocket endpoint behind nginx. */
export function centrifugoEndpoint(url: string): string {
  return `${url.replace(/^http/, 'ws')}/connection/websocket`;
}

/**
 * Drives Centrifugo through its own client (`centrifuge`, JSON protocol over WebSocket, bound to
 * `localAddress` like the Socket.IO clients): a JWT at connect, one channel per room, publishes
 * from the client (acknowledged once Centrifugo stored them in the channel's history in Redis),
 * deliveries as publications.
 */
export function createCentrifugoDriver(jwtSecret: string): Driver<CentrifugoClient> {
  return {
    token: (userId) => signToken(jwtSecret, userId, { name: userId }),
    open(url, token, localAddress) {
      // ws takes the local address as a client option; centrifuge constructs the socket itself.
      class BoundWebSocket extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { localAddress });
        }
      }
      const centrifuge = new Centrifuge(centrifugoEndpoint(url), {
        websocket: BoundWebSocket,
        token,
        timeout: HANDSHAKE_TIMEOUT_MS,
      });
      const client: CentrifugoClient = {
        centrifuge,
        handlers: [],
        subscriptions: new Map(),
        close: () => centrifuge.disconnect(),
      };
      return new Promise((resolve, reject) => {
        const fail = (reason: string) => {
          // No silent retries: like the Socket.IO clients (reconnection: false), a refusal is a failure.
          centrifuge.disconnect();
          reject(new Error(reason));
        };
        centrifuge.once('connected', () => resolve(client));
        centrifuge.once('error', (ctx) => fail(`centrifuge: ${ctx.error.message}`));
        centrifuge.once('disconnected', (ctx) => fail(`centrifuge disconnected: ${ctx.code} ${ctx.reason}`));
        centrifuge.connect();
      });
    },
    async createRoom() {
      return `room-${crypto.randomBytes(8).toString('hex')}`;
    },
    async join(client, roomId) {
      if (client.subscriptions.has(roomId)) return;
      const sub = client.centrifuge.newSubscription(roomId);
      sub.on('publication', (ctx: PublicationContext) => {
        const content = (ctx.data as { content?: unknown } | null)?.content;
        if (typeof content !== 'string') return;
        for (const handler of client.handlers) handler({ roomId: ctx.channel, content });
      });
      client.subscriptions.set(roomId, sub);
      sub.subscribe();
      await sub.ready(TIMEOUT_MS);
    },
    async send(client, roomId, content) {
      await client.centrifuge.publish(roomId, { content });
    },
    onMessage(client, handler) {
      client.handlers.push(handler);
    },
  };
}
