import { SwitchboardError } from '@switchboard/client';
import type { Message, RequestPayload, Room } from '@switchboard/protocol';
import type { Connection } from '../connection/connection.ts';
import { Store } from '../ui/store.ts';
import {
  type ChatState,
  emptyChat,
  mergeMessages,
  type Notice,
  newRoom,
  type RoomState,
  withRoom,
} from './chat-state.ts';
import { ReceiptQueue } from './receipt-queue.ts';
import { RoomCache } from './room-cache.ts';
import { TypingSignal } from './typing-signal.ts';

const PAGE = 50;
/** The server stops a typing indicator after 6 s; a lost `stop` must not leave one forever. */
const TYPING_TTL_MS = 7000;

/**
 * Chat for the signed-in user: the SDK's ordered message stream, history pages, unread counts,
 * typing, receipts and join requests, kept in one store the views read.
 */
export class ChatController {
  readonly store = new Store<ChatState>(emptyChat);
  private readonly me: string;
  private readonly cache: RoomCache;
  private readonly receipts: ReceiptQueue;
  private readonly typingSignal: TypingSignal;
  private readonly offs: Array<() => void> = [];
  private readonly latestLoaded = new Set<string>();
  private active: string | undefined;
  /** Between `connected` and the end of its sync, delivered messages are already in the server's unread counts. */
  private syncing = true;
  private noticeId = 0;
  private readonly tick: ReturnType<typeof setInterval>;

  constructor(private readonly connection: Connection) {
    const client = connection.client;
    this.me = connection.session.userId;
    this.cache = new RoomCache(this.me);
    this.receipts = new ReceiptQueue((roomId, kind, seq) =>
      kind === 'read' ? client.markRead(roomId, seq) : client.markDelivered(roomId, seq),
    );
    this.typingSignal = new TypingSignal((roomId, typing) => client.typing(roomId, typing));
    this.store.update((s) => ({ ...s, names: { [this.me]: connection.session.name } }));
    this.tick = setInterval(() => this.expireTyping(), 1000);

    this.offs.push(
      client.on('connected', ({ rooms, unread }) => this.onConnected(rooms, unread ?? {})),
      client.on('room:autoJoined', ({ room, reason }) => {
        this.addRoom(room);
        this.notice(
          reason === 'emergency-contact'
            ? `You were added to ${room.name ?? 'a room'} as an emergency contact`
            : `You were added to ${room.name ?? 'a room'}`,
        );
      }),
      client.onMessage('*', (message) => this.onMessage(message)),
      client.on('message:delivered', (e) => this.onReceipt(e.roomId, e.userId, 'delivered', e.seq)),
      client.on('message:read', (e) => this.onReceipt(e.roomId, e.userId, 'read', e.seq)),
      client.on('typing:start', ({ roomId, userId }) => this.setTyping(roomId, userId, true)),
      client.on('typing:stop', ({ roomId, userId }) => this.setTyping(roomId, userId, false)),
      client.on('room:userJoined', ({ roomId }) => void this.loadParticipants(roomId)),
      client.on('room:userLeft', ({ roomId }) => void this.loadParticipants(roomId)),
      client.on('room:joinRequested', ({ roomId, userId, name }) => {
        this.change(roomId, (r) =>
          r.joinRequests.some((q) => q.userId === userId)
            ? r
            : { ...r, joinRequests: [...r.joinRequests, { userId, name }] },
        );
        this.notice(`${name} asks to join`);
      }),
      client.on('room:joinApproved', ({ roomId }) => void this.onApproved(roomId)),
      client.on('room:joinDenied', ({ roomId }) => {
        this.store.update((s) => ({ ...s, pendingJoins: s.pendingJoins.filter((id) => id !== roomId) }));
        this.notice('Your request to join was denied', 'error');
      }),
      client.onError((error, roomId) => {
        if (roomId && error instanceof SwitchboardError && (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND')) {
          this.notice(`A room is no longer available: ${error.message}`, 'error');
        }
      }),
    );
  }

  close(): void {
    for (const off of this.offs) off();
    clearInterval(this.tick);
    this.receipts.close();
    this.typingSignal.close();
  }

  /** The room on screen: its messages count as read while the page is visible. */
  open(roomId: string | undefined): void {
    this.active = roomId;
    if (!roomId) return;
    this.markActiveRead();
    if (!this.latestLoaded.has(roomId)) void this.loadLatest(roomId);
    if (!this.store.get().rooms[roomId]?.participants.length) void this.loadParticipants(roomId);
  }

  /** Call when the page becomes visible again. */
  markActiveRead(): void {
    const roomId = this.active;
    if (!roomId || document.visibilityState !== 'visible') return;
    const room = this.store.get().rooms[roomId];
    const last = room?.messages.at(-1);
    if (last) this.receipts.read(roomId, last.seq);
    if (room && room.unread > 0) this.change(roomId, (r) => ({ ...r, unread: 0 }));
  }

  async send(roomId: string, content: string, targetUserId?: string): Promise<void> {
    this.typingSignal.stop(roomId);
    await this.connection.client.sendMessage({ roomId, content, ...(targetUserId ? { targetUserId } : {}) });
  }

  keystroke(roomId: string): void {
    this.typingSignal.keystroke(roomId);
  }

  async loadOlder(roomId: string): Promise<void> {
    const first = this.store.get().rooms[roomId]?.messages[0];
    const page = await this.connection.client.history({
      roomId,
      limit: PAGE,
      ...(first ? { beforeSeq: first.seq } : {}),
    });
    this.change(roomId, (r) => {
      const messages = mergeMessages(r.messages, page.messages);
      return { ...r, messages, hasOlder: page.hasMore && (messages[0]?.seq ?? 0) > 1 };
    });
  }

  async createRoom(payload: RequestPayload<'room:create'>): Promise<Room> {
    const room = await this.connection.client.createRoom(payload);
    this.addRoom(room);
    return room;
  }

  /** Join a room by id: members and emergency contacts get in at once, anyone else asks the owner. */
  async join(roomId: string): Promise<'joined' | 'requested'> {
    try {
      await this.connection.client.joinRoom(roomId);
      this.ensureRoom(roomId);
      void this.loadParticipants(roomId);
      return 'joined';
    } catch (error) {
      if (!(error instanceof SwitchboardError && error.code === 'FORBIDDEN')) throw error;
    }
    await this.connection.client.request('room:requestJoin', { roomId });
    this.store.update((s) =>
      s.pendingJoins.includes(roomId) ? s : { ...s, pendingJoins: [...s.pendingJoins, roomId] },
    );
    return 'requested';
  }

  async decide(roomId: string, userId: string, approve: boolean): Promise<void> {
    await this.connection.client.request(approve ? 'room:approveJoin' : 'room:denyJoin', { roomId, userId });
    this.change(roomId, (r) => ({ ...r, joinRequests: r.joinRequests.filter((q) => q.userId !== userId) }));
  }

  dismiss(id: number): void {
    this.store.update((s) => ({ ...s, notices: s.notices.filter((n) => n.id !== id) }));
  }

  notice(text: string, tone: Notice['tone'] = 'info'): void {
    const id = ++this.noticeId;
    this.store.update((s) => ({ ...s, notices: [...s.notices.slice(-3), { id, text, tone }] }));
    setTimeout(() => this.dismiss(id), 8000);
  }

  /** Change one room; a room first seen here gets the details this browser remembers of it. */
  private change(roomId: string, fn: (room: RoomState) => RoomState): void {
    this.store.update((s) => withRoom(s, roomId, fn, (id) => this.fresh(id)));
  }

  private fresh(roomId: string): RoomState {
    return newRoom(roomId, this.cache.load()[roomId]);
  }

  private onConnected(rooms: string[], unread: Record<string, number>): void {
    this.syncing = true;
    for (const roomId of rooms) this.ensureRoom(roomId);
    this.store.update((s) => {
      let next = s;
      for (const roomId of rooms)
        next = withRoom(
          next,
          roomId,
          (r) => ({ ...r, unread: roomId === this.active ? 0 : (unread[roomId] ?? r.unread) }),
          (id) => this.fresh(id),
        );
      return next;
    });
    for (const roomId of rooms) void this.loadParticipants(roomId);
    void this.connection.client.synced().then(() => {
      this.syncing = false;
      this.markActiveRead();
    });
  }

  private onMessage(message: Message): void {
    const fromOther = message.senderId !== this.me;
    const onScreen = message.roomId === this.active && document.visibilityState === 'visible';
    this.change(message.roomId, (r) => {
      const messages = mergeMessages(r.messages, [message]);
      if (messages === r.messages) return r;
      const { [message.senderId]: _done, ...typing } = r.typing;
      const unread = fromOther && !onScreen && !this.syncing ? r.unread + 1 : r.unread;
      return { ...r, messages, typing, unread };
    });
    if (!fromOther) return;
    if (onScreen) this.receipts.read(message.roomId, message.seq);
    else this.receipts.delivered(message.roomId, message.seq);
  }

  private onReceipt(roomId: string, userId: string, kind: 'delivered' | 'read', seq: number): void {
    if (userId === this.me) return;
    this.change(roomId, (r) => {
      const known = r.receipts[userId] ?? { delivered: 0, read: 0 };
      if (known[kind] >= seq) return r;
      const next = { ...known, [kind]: seq, ...(kind === 'read' ? { delivered: Math.max(known.delivered, seq) } : {}) };
      return { ...r, receipts: { ...r.receipts, [userId]: next } };
    });
  }

  private setTyping(roomId: string, userId: string, typing: boolean): void {
    if (userId === this.me) return;
    this.change(roomId, (r) => {
      const { [userId]: _old, ...rest } = r.typing;
      return { ...r, typing: typing ? { ...rest, [userId]: Date.now() + TYPING_TTL_MS } : rest };
    });
  }

  private expireTyping(): void {
    const now = Date.now();
    const stale = Object.values(this.store.get().rooms).filter((r) =>
      Object.values(r.typing).some((until) => until <= now),
    );
    if (stale.length === 0) return;
    this.store.update((s) => {
      let next = s;
      for (const room of stale)
        next = withRoom(next, room.id, (r) => ({
          ...r,
          typing: Object.fromEntries(Object.entries(r.typing).filter(([, until]) => until > now)),
        }));
      return next;
    });
  }

  private addRoom(room: Room): void {
    this.cache.save(room);
    this.change(room.id, (r) => ({ ...r, meta: room }));
    void this.loadParticipants(room.id);
  }

  private ensureRoom(roomId: string): void {
    this.change(roomId, (r) => r);
  }

  private async onApproved(roomId: string): Promise<void> {
    this.store.update((s) => ({ ...s, pendingJoins: s.pendingJoins.filter((id) => id !== roomId) }));
    try {
      await this.connection.client.joinRoom(roomId);
      this.ensureRoom(roomId);
      await this.loadParticipants(roomId);
      this.notice('Your request to join was approved');
    } catch (error) {
      this.notice(`Approved, but joining failed: ${(error as Error).message}`, 'error');
    }
  }

  private async loadLatest(roomId: string): Promise<void> {
    this.latestLoaded.add(roomId);
    try {
      const page = await this.connection.client.history({ roomId, limit: PAGE });
      this.change(roomId, (r) => {
        const messages = mergeMessages(r.messages, page.messages);
        const olderThanPage = (messages[0]?.seq ?? 0) < (page.messages[0]?.seq ?? 0);
        return { ...r, messages, hasOlder: (messages[0]?.seq ?? 0) > 1 && (page.hasMore || olderThanPage) };
      });
    } catch {
      this.latestLoaded.delete(roomId);
    }
  }

  private async loadParticipants(roomId: string): Promise<void> {
    try {
      const { participants } = await this.connection.client.request('room:participants', { roomId });
      this.store.update((s) => {
        const names = { ...s.names };
        for (const p of participants) names[p.userId] = p.name;
        return withRoom(
          { ...s, names },
          roomId,
          (r) => ({ ...r, participants }),
          (id) => this.fresh(id),
        );
      });
    } catch {
      // Not a member (yet), or messaging restarting: the next connect or join tries again.
    }
  }
}
