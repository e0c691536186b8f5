import { z } from 'zod';
import { Id } from './common.ts';

export const ROOM_TYPES = ['group', 'direct', 'emergency', 'visit', 'topic'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];
export type MemberRole = 'owner' | 'member';

export const Phone = z.string().min(3).max(32);

export const RoomCreatePayload = z.object({
  type: z.enum(ROOM_TYPES),
  name: z.string().max(200).optional(),
  memberIds: z.array(Id).max(1000).optional(),
  emergencyContacts: z.array(Phone).max(100).optional(),
  approvalRequired: z.boolean().optional(),
});
export const RoomIdPayload = z.object({ roomId: Id });
export const RoomUserPayload = z.object({ roomId: Id, userId: Id });

export interface Room {
  id: string;
  type: RoomType;
  name: string | null;
  ownerId: string;
  approvalRequired: boolean;
  emergencyContacts: string[];
  memberIds: string[];
  lastSeq: number;
  createdAt: string;
}

export interface Participant {
  userId: string;
  name: string;
  role: MemberRole;
  online: boolean;
}

export interface RoomCreateResult {
  room: Room;
}
/** `unreadCount`: the caller's unread messages in the room (see messaging's receipts). */
export interface RoomJoinResult {
  roomId: string;
  participants: Participant[];
  unreadCount?: number;
}
export interface RoomParticipantsResult {
  participants: Participant[];
}

export interface RoomUserEvent {
  roomId: string;
  userId: string;
  name?: string;
}
export interface RoomJoinRequestedEvent {
  roomId: string;
  userId: string;
  name: string;
}
export interface RoomAutoJoinedEvent {
  roomId: string;
  room: Room;
  reason: 'emergency-contact' | 'member';
}
