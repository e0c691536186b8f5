import { z } from 'zod';
import { Id, MAX_CONTENT_LENGTH, Seq } from './common.ts';

export const Attachment = z.object({
  name: z.string().min(1).max(255),
  type: z.string().min(1).max(127),
  size: z
    .number()
    .int()
    .min(0)
    .max(10 * 1024 ** 3),
  url: z.string().url().max(2048),
});
export type Attachment = z.infer<typeof Attachment>;

export const MessageSendPayload = z.object({
  roomId: Id,
  content: z
    .string({ error: 'Message content is required' })
    .trim()
    .min(1, 'Message content is required')
    .max(MAX_CONTENT_LENGTH, `Message content is longer than ${MAX_CONTENT_LENGTH} characters`),
  clientMessageId: Id.optional(),
  targetUserId: Id.optional(),
  attachments: z.array(Attachment).max(20).optional(),
});
export type MessageSendPayload = z.infer<typeof MessageSendPayload>;

export const MessageHistoryPayload = z.object({
  roomId: Id,
  beforeSeq: Seq.optional(),
  afterSeq: Seq.optional(),
  limit: z.number().int().min(1).max(200).optional(),
});
export const CursorPayload = z.object({ roomId: Id, seq: Seq });
export const TypingPayload = z.object({ roomId: Id });
export const SyncPayload = z.object({
  rooms: z.record(Id, Seq).refine((r) => Object.keys(r).length <= 500, 'has more than 500 rooms'),
});

export interface Message {
  id: string;
  roomId: string;
  seq: number;
  senderId: string;
  content: string;
  targetUserId?: string;
  clientMessageId?: string;
  attachments?: Attachment[];
  createdAt: string;
}

export interface MessageSendResult {
  message: Message;
}
export interface MessageHistoryResult {
  messages: Message[];
  hasMore: boolean;
}
export interface SyncResult {
  messages: Message[];
  hasMore?: boolean;
}
export interface CursorEvent {
  roomId: string;
  userId: string;
  seq: number;
}
export interface TypingEvent {
  roomId: string;
  userId: string;
}

/** REST body of `POST /api/messages`. */
export const RestMessagePayload = MessageSendPayload;
