import type {
  Message,
  MessageHistoryResult,
  RequestPayload,
  Room,
  RoomJoinResult,
  ServerEventName,
  ServerToClientEvents,
} from '@switchboard/protocol';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { Calls } from './calls.ts';
import { DeliveryEngine } from './delivery.ts';
import { type RecoveryDeps, rejoinRooms, syncRooms } from './recovery.ts';
import { type ClientSocket, createRequester, type RequestFn, type RequestOptions } from './request.ts';
import { DEFAULT_SEND_RETRY, type RetryPolicy, type SendMessageInput, sendWithRetry } from './send.ts';
import { type CursorStorage, memoryCursorStorage } from './storage.ts';
import { TokenRefresher } from './token-refresh.ts';

export interface ClientOptions {
  /** Server origin, e.g. `https://chat.example.com` (path `/socket.io/`). */
  url: string;
  /** A JWT, or a function called on every (re)connect so refreshed tokens are used. */
  token?: string;
  /**
   * Called on every (re)connect and ahead of each expiry: the SDK then sends `auth:refresh`
   * with what it returns, so a live socket is never cut off at `exp` (see README, "Tokens").
   */
  getToken?: () => string | Promise<string>;
  transports?: Array<'polling' | 'websocket'>;
  /** Passed to socket.io-client as is (agent, extraHeaders, reconnection delays…). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /** Keeps per-room delivery cursors across app restarts (default: in memory). */
  storage?: CursorStorage;
  /** Cursors for rooms the storage does not know; a room with neither starts at 0 (its whole history). */
  initialCursors?: Record<string, number>;
  requestTimeoutMs?: number;
  /** How long a seq gap may stay open before it is filled from history. */
  gapDelayMs?: number;
  sendRetry?: Partial<RetryPolicy>;
  /** Connect at once (default) or wait for `connect()`. */
  autoConnect?: boolean;
}

export type MessageHandler = (message: Message) => void;
export type ErrorHandler = (error: unknown, roomId?: string) => void;

export function createClient(options: ClientOptions): SwitchboardClient {
  return new SwitchboardClient(options);
}

function isMessage(value: unknown): value is Message {
  if (value === null || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  return typeof m.roomId === 'string' && typeof m.id === 'string' && Number.isInteger(m.seq) && (m.seq as number) > 0;
}

/**
 * The typed SDK: requests with acks as promises, server events as typed handlers, and messages
 * handed to the app once each, in seq order per room, across reconnects (see README.md).
 */
export class SwitchboardClient {
  /** The underlying socket.io-client socket (for raw access and tests). */
  readonly socket: ClientSocket;
  readonly request: RequestFn;
  /** 1:1 calls: `client.calls.initiate(…)`, `client.calls.onIncoming(…)`. */
  readonly calls: Calls;
  private readonly engine: DeliveryEngine;
  private readonly storage: CursorStorage;
  private readonly retry: RetryPolicy;
  private readonly rooms = new Set<string>();
  private readonly messageHandlers = new Map<string, Set<MessageHandler>>();
  private readonly errorHandlers = new Set<ErrorHandler>();
  private readonly syncWaiters: Array<() => void> = [];
  private readonly tokens: TokenRefresher;
  private isSynced = false;
  private generation = 0;
  private closed = false;

  constructor(options: ClientOptions) {
    this.storage = options.storage ?? memoryCursorStorage();
    this.retry = { ...DEFAULT_SEND_RETRY, ...options.sendRetry };
    const stored = this.storage.load();
    const initial = options.initialCursors ?? {};
    const getToken = options.getToken ?? (() => options.token ?? '');
    this.socket = io(options.url, {
      // One connection per client: socket.io-client would otherwise share a manager per URL.
      forceNew: true,
      ...options.socketOptions,
      ...(options.transports ? { transports: options.transports } : {}),
      autoConnect: false,
      auth: (cb) => {
        Promise.resolve()
          .then(getToken)
          .then(
            (token) => cb({ token }),
            () => cb({}),
          );
      },
    }) as ClientSocket;
    this.request = createRequester(this.socket, options.requestTimeoutMs ?? 10_000);
    this.calls = new Calls(this);
    this.tokens = new TokenRefresher({
      getToken: options.getToken,
      refresh: (token) => this.request('auth:refresh', { token }),
      onError: (error) => this.reportError(error),
    });
    this.engine = new DeliveryEngine({
      gapDelayMs: options.gapDelayMs,
      // Never re-deliver: of the stored and the given cursor, the higher one wins.
      initialCursor: (roomId) => Math.max(stored[roomId] ?? 0, initial[roomId] ?? 0),
      deliver: (message) => this.dispatch(message),
      fetchAfter: (roomId, afterSeq) => this.request('message:history', { roomId, afterSeq, limit: 200 }),
      onError: (error, roomId) => this.reportError(error, roomId),
    });
    this.listen();
    if (options.autoConnect !== false) this.socket.connect();
  }

  connect(): void {
    if (!this.closed) this.socket.connect();
  }

  /** Typed server events; returns a function that removes the handler. `message:new` here is raw (see onMessage). */
  on<E extends ServerEventName>(event: E, handler: ServerToClientEvents[E]): () => void {
    const raw = this.socket as unknown as { on(e: string, h: unknown): void; off(e: string, h: unknown): void };
    raw.on(event, handler);
    return () => raw.off(event, handler);
  }

  /** Messages of one room (or '*' for all), each once, in seq order per room, across reconnects. */
  onMessage(roomId: string | '*', handler: MessageHandler): () => void {
    let set = this.messageHandlers.get(roomId);
    if (!set) this.messageHandlers.set(roomId, (set = new Set()));
    set.add(handler);
    return () => void set.delete(handler);
  }

  /** SDK-level failures that have no caller to reject: re-join, sync, gap fills, throwing handlers. */
  onError(handler: ErrorHandler): () => void {
    this.errorHandlers.add(handler);
    return () => void this.errorHandlers.delete(handler);
  }

  /** Resolves once connected and caught up (re-joined and synced) on the current connection. */
  synced(): Promise<void> {
    if (this.isSynced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  async sendMessage(input: SendMessageInput): Promise<Message> {
    const message = await sendWithRetry(this.request, input, this.retry, () => !this.closed);
    this.engine.receive(message);
    return message;
  }

  async createRoom(payload: RequestPayload<'room:create'>, options?: RequestOptions): Promise<Room> {
    const { room } = await this.request('room:create', payload, options);
    this.track(room.id);
    return room;
  }

  /** Join, then catch up on the room's messages after its cursor (all of them for a new cursor). */
  async joinRoom(roomId: string, options?: RequestOptions): Promise<RoomJoinResult> {
    const result = await this.request('room:join', { roomId }, options);
    this.track(roomId);
    this.engine.fillNow(roomId);
    return result;
  }

  async leaveRoom(roomId: string, options?: RequestOptions): Promise<void> {
    await this.request('room:leave', { roomId }, options);
    this.rooms.delete(roomId);
    this.engine.forget(roomId);
  }

  /** Raw history pages (for scrolling back); these do not go through onMessage. */
  history(payload: RequestPayload<'message:history'>, options?: RequestOptions): Promise<MessageHistoryResult> {
    return this.request('message:history', payload, options);
  }

  async markRead(roomId: string, seq: number): Promise<void> {
    await this.request('message:read', { roomId, seq });
  }

  async markDelivered(roomId: string, seq: number): Promise<void> {
    await this.request('message:delivered', { roomId, seq });
  }

  /** Fire-and-forget typing signal (no ack; dropped while disconnected). */
  typing(roomId: string, isTyping: boolean): void {
    if (!this.socket.connected) return;
    if (isTyping) this.socket.emit('typing:start', { roomId });
    else this.socket.emit('typing:stop', { roomId });
  }

  /** Rooms the client follows (re-joined and synced after every reconnect). */
  joinedRooms(): string[] {
    return [...this.rooms];
  }

  /** When the live socket's token expires, as the server said; null when unknown or never. */
  get tokenExpiresAt(): Date | null {
    return this.tokens.expiry;
  }

  /** Refresh the socket's token now with `getToken()` (the SDK also does it ahead of expiry). */
  refreshToken(): Promise<Date | null> {
    return this.tokens.refreshNow();
  }

  /** Highest seq handed to the app, per room. */
  cursors(): Record<string, number> {
    return this.engine.cursors();
  }

  close(): void {
    this.closed = true;
    this.tokens.stop();
    this.engine.close();
    this.socket.disconnect();
  }

  private track(roomId: string): void {
    this.rooms.add(roomId);
    this.engine.track(roomId);
  }

  private listen(): void {
    this.on('connected', (data) => {
      this.tokens.update(data.expiresAt);
      void this.recover(data.rooms);
    });
    this.on('room:autoJoined', ({ roomId }) => {
      this.track(roomId);
      this.engine.fillNow(roomId);
    });
    this.on('message:new', (message: unknown) => {
      if (isMessage(message)) this.engine.receive(message);
    });
    this.socket.on('disconnect', (reason) => {
      this.isSynced = false;
      this.tokens.pause();
      // The server closed us on purpose (graceful shutdown, rebalancing): socket.io does not
      // reconnect by itself in that case, but another replica will take us.
      if (reason === 'io server disconnect' && !this.closed)
        setTimeout(() => this.connect(), 200 + Math.random() * 800);
    });
  }

  /** After every (re)connect: re-join what the server did not restore, then sync every room. */
  private async recover(restored: string[], attempt = 1): Promise<void> {
    const generation = ++this.generation;
    for (const roomId of restored) this.track(roomId);
    const deps: RecoveryDeps = {
      request: this.request,
      engine: this.engine,
      onError: (e, r) => this.reportError(e, r),
    };
    try {
      const lost = await rejoinRooms(deps, [...this.rooms], restored);
      for (const roomId of lost) {
        this.rooms.delete(roomId);
        this.engine.forget(roomId);
      }
      await syncRooms(deps, [...new Set([...this.rooms, ...this.engine.roomIds()])]);
    } catch (error) {
      this.reportError(error);
      // Keep trying on this connection (e.g. messaging restarting): until re-joined, the socket
      // is not in its rooms and would hear nothing live. A new connection starts its own recovery.
      if (generation === this.generation && this.socket.connected && !this.closed) {
        setTimeout(
          () => {
            if (generation === this.generation && this.socket.connected && !this.closed)
              void this.recover(restored, attempt + 1);
          },
          Math.min(250 * 2 ** attempt, 10_000),
        );
      }
      return;
    }
    if (generation !== this.generation || !this.socket.connected) return;
    this.isSynced = true;
    for (const resolve of this.syncWaiters.splice(0)) resolve();
  }

  private dispatch(message: Message): void {
    for (const key of [message.roomId, '*']) {
      for (const handler of this.messageHandlers.get(key) ?? []) {
        try {
          handler(message);
        } catch (error) {
          this.reportError(error, message.roomId);
        }
      }
    }
    this.storage.save(message.roomId, message.seq);
  }

  private reportError(error: unknown, roomId?: string): void {
    for (const handler of this.errorHandlers) handler(error, roomId);
  }
}
