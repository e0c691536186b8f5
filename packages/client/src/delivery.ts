import type { Message } from '@switchboard/protocol';

/** One page of a room's messages after a cursor, ascending by seq (`message:history` with `afterSeq`). */
export interface FillResult {
  messages: Message[];
  hasMore: boolean;
}

export interface DeliveryEngineOptions {
  /** Hands one message to the app. Called once per (room, seq), in seq order per room. */
  deliver(message: Message): void;
  /** Fetches the messages visible to this user with seq > afterSeq, lowest seqs first. */
  fetchAfter(roomId: string, afterSeq: number): Promise<FillResult>;
  /** How long a gap may stay open before a fill is requested (live messages often close it first). */
  gapDelayMs?: number;
  /** Upper bound of the back-off between failed fills. */
  maxRetryDelayMs?: number;
  /** Cursor of a room the engine has not seen yet (default 0: deliver the room from its start). */
  initialCursor?(roomId: string): number | undefined;
  onError?(error: unknown, roomId: string): void;
}

const MAX_FAILURES = 8;

interface RoomState {
  /** Highest seq handed to the app (or skipped as invisible). */
  cursor: number;
  /** Received messages above cursor + 1, waiting for their predecessors. */
  buffer: Map<number, Message>;
  timer?: ReturnType<typeof setTimeout>;
  filling: boolean;
  /** A fill was asked for while one was running: run another when it ends. */
  again: boolean;
  failures: number;
}

/**
 * Per-room, in-order, exactly-once hand-off of messages to the app. Knows nothing about sockets:
 * live messages go in through `receive`, recovered ones through `applyFill`, and gaps are closed
 * by calling `fetchAfter` (wired to `message:history` by the client).
 *
 * Invisible gaps: private messages share their room's seq space but reach only sender and target,
 * so another member sees seq 5 then seq 7. A fill answers for the whole range it covers: every seq
 * in (afterSeq, highest returned seq] that the server did not return is not visible to this user
 * (the server filtered it) and is skipped. A fill issued after a message was received always
 * returns that message (the server emits only after commit), so a buffered message is always
 * covered by the next fill and a gap can never stall. An empty answer covers nothing, so a
 * fill that raced ahead of a late live message never skips a visible one.
 */
export class DeliveryEngine {
  private readonly rooms = new Map<string, RoomState>();
  private readonly gapDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private closed = false;

  constructor(private readonly options: DeliveryEngineOptions) {
    this.gapDelayMs = options.gapDelayMs ?? 200;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
  }

  /** Start tracking a room (idempotent) and return its cursor. */
  track(roomId: string): number {
    return this.state(roomId).cursor;
  }

  /** Stop tracking a room: drop its buffer and timers (its cursor is forgotten too). */
  forget(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (room?.timer) clearTimeout(room.timer);
    this.rooms.delete(roomId);
  }

  cursor(roomId: string): number | undefined {
    return this.rooms.get(roomId)?.cursor;
  }

  cursors(): Record<string, number> {
    return Object.fromEntries([...this.rooms].map(([roomId, room]) => [roomId, room.cursor]));
  }

  roomIds(): string[] {
    return [...this.rooms.keys()];
  }

  /** A live message (`message:new`, or a send's ack). */
  receive(message: Message): void {
    if (this.closed) return;
    const room = this.state(message.roomId);
    this.buffer(room, message);
    this.drain(message.roomId, room, room.cursor);
    this.watchGap(message.roomId, room);
  }

  /**
   * Messages recovered by a fill or a sync that asked for seq > afterSeq. Seqs in the covered range
   * that are missing from the answer are skipped as invisible (see the class comment).
   */
  applyFill(roomId: string, afterSeq: number, messages: Message[]): void {
    if (this.closed) return;
    const room = this.state(roomId);
    let covered = afterSeq;
    for (const message of messages) {
      if (message.roomId !== roomId) continue;
      covered = Math.max(covered, message.seq);
      this.buffer(room, message);
    }
    this.drain(roomId, room, covered);
    this.watchGap(roomId, room);
  }

  /** Fetch everything after the room's cursor now (catch-up after a join), paging while hasMore. */
  fillNow(roomId: string): void {
    if (this.closed) return;
    const room = this.state(roomId);
    if (room.timer) clearTimeout(room.timer);
    room.timer = undefined;
    if (room.filling) {
      room.again = true;
      return;
    }
    void this.runFill(roomId, room);
  }

  /** True when no room has a gap open, a fill running or one scheduled. */
  isIdle(): boolean {
    return [...this.rooms.values()].every((room) => !room.filling && !room.timer && room.buffer.size === 0);
  }

  close(): void {
    this.closed = true;
    for (const room of this.rooms.values()) if (room.timer) clearTimeout(room.timer);
  }

  private state(roomId: string): RoomState {
    let room = this.rooms.get(roomId);
    if (!room) {
      const cursor = this.options.initialCursor?.(roomId) ?? 0;
      room = { cursor, buffer: new Map(), filling: false, again: false, failures: 0 };
      this.rooms.set(roomId, room);
    }
    return room;
  }

  private buffer(room: RoomState, message: Message): void {
    // seq <= cursor was delivered (or skipped) already; a buffered seq is a duplicate.
    if (message.seq <= room.cursor || room.buffer.has(message.seq)) return;
    room.buffer.set(message.seq, message);
  }

  /** Deliver cursor+1, cursor+2, …; seqs up to `skipThrough` that are absent are invisible. */
  private drain(roomId: string, room: RoomState, skipThrough: number): void {
    for (;;) {
      const next = room.cursor + 1;
      const message = room.buffer.get(next);
      if (message) {
        room.buffer.delete(next);
        room.cursor = next;
        this.deliver(roomId, message);
        continue;
      }
      if (next > skipThrough) return;
      const lowest = Math.min(...room.buffer.keys());
      room.cursor = lowest <= skipThrough ? lowest - 1 : skipThrough;
    }
  }

  private deliver(roomId: string, message: Message): void {
    try {
      this.options.deliver(message);
    } catch (error) {
      this.options.onError?.(error, roomId);
    }
  }

  /** A gap is open: give live messages a moment to close it, then fill. */
  private watchGap(roomId: string, room: RoomState): void {
    if (room.buffer.size === 0 || room.timer || room.filling) return;
    this.schedule(roomId, room, this.gapDelayMs);
  }

  private schedule(roomId: string, room: RoomState, delayMs: number): void {
    room.timer = setTimeout(() => {
      room.timer = undefined;
      if (this.rooms.get(roomId) !== room) return;
      if (room.buffer.size > 0 || room.again) void this.runFill(roomId, room);
    }, delayMs);
  }

  private async runFill(roomId: string, room: RoomState): Promise<void> {
    room.filling = true;
    room.again = false;
    try {
      for (;;) {
        const afterSeq = room.cursor;
        const page = await this.options.fetchAfter(roomId, afterSeq);
        if (this.closed || this.rooms.get(roomId) !== room) return;
        this.applyFill(roomId, afterSeq, page.messages);
        // Stop when the server has nothing more, or when a page made no progress (nothing to chase).
        if (!page.hasMore || room.cursor === afterSeq) break;
      }
      room.failures = 0;
    } catch (error) {
      room.failures += 1;
      this.options.onError?.(error, roomId);
      room.again = true;
    } finally {
      room.filling = false;
    }
    if (this.closed || this.rooms.get(roomId) !== room) return;
    // After many failures in a row, wait for the next gap or fillNow (e.g. the reconnect's sync).
    if (room.failures >= MAX_FAILURES) return;
    if (room.again || room.buffer.size > 0) {
      const backoff =
        room.failures === 0 ? this.gapDelayMs : Math.min(this.gapDelayMs * 2 ** room.failures, this.maxRetryDelayMs);
      if (!room.timer) this.schedule(roomId, room, backoff);
    }
  }
}
