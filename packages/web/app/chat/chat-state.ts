import type { Message, Participant, Room } from '@switchboard/protocol';

export interface Receipt {
  delivered: number;
  read: number;
}

export interface RoomState {
  id: string;
  /** Known when this browser created the room, was added to it, or cached it earlier. */
  meta?: Room;
  participants: Participant[];
  /** Ascending seq, each once. */
  messages: Message[];
  /** More history exists before messages[0]. */
  hasOlder: boolean;
  unread: number;
  /** userId → when the indicator expires (ms). */
  typing: Record<string, number>;
  /** Other members' cursors seen since this page opened. */
  receipts: Record<string, Receipt>;
  joinRequests: { userId: string; name: string }[];
}

export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

export interface ChatState {
  rooms: Record<string, RoomState>;
  /** userId → display name, from every participant list and message seen. */
  names: Record<string, string>;
  /** Rooms this user asked to join and is waiting on. */
  pendingJoins: string[];
  notices: Notice[];
}

export const emptyChat: ChatState = { rooms: {}, names: {}, pendingJoins: [], notices: [] };

export function newRoom(id: string, meta?: Room): RoomState {
  return {
    id,
    ...(meta ? { meta } : {}),
    participants: [],
    messages: [],
    hasOlder: true,
    unread: 0,
    typing: {},
    receipts: {},
    joinRequests: [],
  };
}

/** Merge messages into a room's list by seq: live, synced and history pages meet here, so nothing doubles. */
export function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return existing;
  const bySeq = new Map(existing.map((m) => [m.seq, m]));
  let changed = false;
  for (const m of incoming) {
    if (bySeq.has(m.seq)) continue;
    bySeq.set(m.seq, m);
    changed = true;
  }
  if (!changed) return existing;
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** Change one room; a room not in the state yet is made with `create` (which may know its details). */
export function withRoom(
  state: ChatState,
  roomId: string,
  change: (room: RoomState) => RoomState,
  create: (id: string) => RoomState = newRoom,
): ChatState {
  const room = state.rooms[roomId] ?? create(roomId);
  const next = change(room);
  if (next === room && state.rooms[roomId]) return state;
  return { ...state, rooms: { ...state.rooms, [roomId]: next } };
}

/** What the room list and headers call a room: its name, else its members, else its id. */
export function roomTitle(room: RoomState, names: Record<string, string>, me: string): string {
  if (room.meta?.name) return room.meta.name;
  const others = (
    room.participants.length ? room.participants.map((p) => p.userId) : (room.meta?.memberIds ?? [])
  ).filter((id) => id !== me);
  if (others.length > 0) return others.map((id) => names[id] ?? id).join(', ');
  return `Room ${room.id.slice(0, 6)}`;
}

export function lastActivity(room: RoomState): string {
  return room.messages.at(-1)?.createdAt ?? room.meta?.createdAt ?? '';
}
