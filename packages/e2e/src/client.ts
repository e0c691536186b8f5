import http from 'node:http';
import type {
  Ack,
  ClientToServerEvents,
  RequestName,
  RequestPayload,
  RequestResult,
  ServerEventName,
  ServerEventPayload,
  ServerToClientEvents,
} from '@switchboard/protocol';
import { io, type Socket } from 'socket.io-client';

export type E2eSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type Connected = ServerEventPayload<'connected'>;

export interface ConnectOptions {
  /**
   * Source address. nginx's ip_hash hashes the first three octets, so 127.0.1.1, 127.0.2.1, …
   * spread clients over the gateways while every 127.0.0.x lands on the same one.
   */
  localAddress?: string;
  transports?: ('polling' | 'websocket')[];
  reconnection?: boolean;
}

export interface E2eClient {
  socket: E2eSocket;
  /** The last `connected` event (a reconnect replaces it). */
  connected(): Connected;
  /** Resolves with the next `connected` event after now. */
  nextConnected(timeoutMs?: number): Promise<Connected>;
  request<E extends RequestName>(
    event: E,
    payload: RequestPayload<E> | unknown,
    timeoutMs?: number,
  ): Promise<Ack<RequestResult<E>>>;
  next<E extends ServerEventName>(
    event: E,
    timeoutMs?: number,
    match?: (data: ServerEventPayload<E>) => boolean,
  ): Promise<ServerEventPayload<E>>;
  close(): void;
}

/** A socket.io-client through nginx, resolved once the server has sent `connected`. */
export async function connectClient(url: string, token: string, options: ConnectOptions = {}): Promise<E2eClient> {
  const agent = options.localAddress
    ? new http.Agent({ localAddress: options.localAddress, keepAlive: true })
    : undefined;
  const socket: E2eSocket = io(url, {
    auth: { token },
    transports: options.transports ?? ['polling', 'websocket'],
    reconnection: options.reconnection ?? true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    forceNew: true,
    ...(agent ? { agent: agent as unknown as string } : {}),
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  let last: Connected | undefined;
  const waiters: ((c: Connected) => void)[] = [];
  socket.on('connected', (data) => {
    last = data;
    for (const waiter of waiters.splice(0)) waiter(data);
  });
  const nextConnected = (timeoutMs = 10_000) =>
    withTimeout(new Promise<Connected>((resolve) => waiters.push(resolve)), timeoutMs, 'connected');

  const first = nextConnected();
  const failed = new Promise<never>((_, reject) => socket.once('connect_error', (err) => reject(err)));
  try {
    await Promise.race([first, failed]);
  } catch (error) {
    socket.close();
    agent?.destroy();
    throw error;
  }
  return {
    socket,
    connected: () => last!,
    nextConnected,
    request: (event, payload, timeoutMs = 10_000) =>
      withTimeout(
        new Promise((resolve) =>
          (socket.emit as (e: string, p: unknown, ack: (r: unknown) => void) => void)(event, payload, resolve),
        ),
        timeoutMs,
        `ack of ${event}`,
      ) as never,
    next: (event, timeoutMs = 10_000, match = () => true) =>
      withTimeout(
        new Promise((resolve) => {
          const handler = (data: never) => {
            if (!match(data)) return;
            (socket.off as (e: string, h: unknown) => void)(event, handler);
            resolve(data);
          };
          (socket.on as (e: string, h: unknown) => void)(event, handler);
        }),
        timeoutMs,
        event,
      ),
    close: () => {
      socket.close();
      agent?.destroy();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}
