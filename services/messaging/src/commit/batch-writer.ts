import crypto from 'node:crypto';
import { type Db, sql } from '@switchboard/db';
import type { Attachment, Message } from '@switchboard/protocol';
import { ACCESS_DENIED, ROOM_NOT_FOUND, TARGET_NOT_MEMBER } from '../refusals.ts';
import { type MessageRow, toMessage } from '../store/messages.ts';

/** A message accepted by a handler and waiting for its seq. */
export interface MessageDraft {
  roomId: string;
  senderId: string;
  content: string;
  targetUserId?: string;
  clientMessageId?: string;
  attachments?: Attachment[];
}

/** Per draft: the stored message (new, or the first one with the same clientMessageId) or why not. */
export type DraftOutcome =
  | { ok: true; message: Message; created: boolean }
  | { ok: false; code: 'NOT_FOUND' | 'FORBIDDEN' | 'INVALID_PAYLOAD'; error: string };

const REFUSED = {
  no_room: { ok: false, code: 'NOT_FOUND', error: ROOM_NOT_FOUND },
  not_member: { ok: false, code: 'FORBIDDEN', error: ACCESS_DENIED },
  target_not_member: { ok: false, code: 'INVALID_PAYLOAD', error: TARGET_NOT_MEMBER },
} as const satisfies Record<string, DraftOutcome>;

/** A row of `switchboard_commit_batch`: `seq` for a draft stored now, the whole message for one stored earlier. */
type CommitRow =
  | ({ ord: number; outcome: 'earlier' } & MessageRow)
  | { ord: number; outcome: 'stored'; seq: number }
  | { ord: number; outcome: keyof typeof REFUSED };

/** Client-side bound on the call (a server that stops answering); the function bounds its lock waits at 10 s itself. */
const COMMIT_TIMEOUT_MS = 15_000;

export function idempotencyKey(draft: Pick<MessageDraft, 'senderId' | 'clientMessageId'>): string | undefined {
  return draft.clientMessageId === undefined ? undefined : JSON.stringify([draft.senderId, draft.clientMessageId]);
}

/**
 * Persist a batch with one call of `switchboard_commit_batch` (prisma/migrations/0002_…), so one
 * round trip to Postgres instead of the 7–8 statements (BEGIN … COMMIT) a transaction driven
 * from here took, each a round trip that costs node-postgres and Postgres CPU and waits in the
 * run queue of a loaded machine (docs/performance.md). Inside, in this order: one query checks
 * rooms and memberships; advisory locks on the sorted (sender, clientMessageId) keys make a retry
 * racing its original (another process, another batch) wait and then find it instead of taking a
 * seq; room rows are locked in id order (no deadlock between processes) and each room gets a
 * contiguous block of seqs; one multi-row INSERT. One statement is one transaction: any failure
 * rolls the whole batch back, seqs included, so a failed batch leaves no gap.
 * Drafts must have distinct idempotency keys (the committer merges duplicates).
 * On the pool through `sql`, not through Prisma, whose per-statement cost (≈ 0.5 ms of CPU) and
 * type mapping this path does not need.
 */
export async function writeBatch(db: Db, drafts: MessageDraft[]): Promise<DraftOutcome[]> {
  if (drafts.length === 0) return [];
  const ids = drafts.map(() => crypto.randomUUID());
  const createdAt = new Date();
  const rows = await sql<CommitRow>(
    db,
    'SELECT * FROM switchboard_commit_batch($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz)',
    [
      ids,
      drafts.map((d) => d.roomId),
      drafts.map((d) => d.senderId),
      drafts.map((d) => d.targetUserId ?? null),
      drafts.map((d) => d.clientMessageId ?? null),
      drafts.map((d) => d.content),
      drafts.map((d) => JSON.stringify(d.attachments ?? [])),
      // UTC text: the column is `timestamp` without a zone, as Prisma keeps DateTime; the function stores it AT TIME ZONE 'UTC'.
      createdAt.toISOString(),
    ],
    { timeoutMs: COMMIT_TIMEOUT_MS },
  );
  const outcomes: DraftOutcome[] = new Array(drafts.length);
  for (const row of rows) {
    const i = row.ord - 1;
    if (row.outcome === 'earlier') outcomes[i] = { ok: true, message: toMessage(row), created: false };
    else if (row.outcome === 'stored')
      outcomes[i] = { ok: true, message: stored(drafts[i]!, ids[i]!, row.seq, createdAt), created: true };
    else outcomes[i] = REFUSED[row.outcome];
  }
  for (let i = 0; i < drafts.length; i++) {
    if (!outcomes[i]) throw new Error(`switchboard_commit_batch returned no row for draft ${i + 1}`);
  }
  return outcomes;
}

/** The message as the function stored it: what the caller sent, with its id, seq and createdAt. */
function stored(d: MessageDraft, id: string, seq: number, createdAt: Date): Message {
  return toMessage({
    id,
    roomId: d.roomId,
    seq,
    senderId: d.senderId,
    content: d.content,
    targetUserId: d.targetUserId ?? null,
    clientMessageId: d.clientMessageId ?? null,
    attachments: d.attachments ?? [],
    createdAt,
  });
}
