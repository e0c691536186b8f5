import crypto from 'node:crypto';
import type { Db, Prisma } from '@switchboard/db';
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
  room: { ok: false, code: 'NOT_FOUND', error: ROOM_NOT_FOUND },
  sender: { ok: false, code: 'FORBIDDEN', error: ACCESS_DENIED },
  target: { ok: false, code: 'INVALID_PAYLOAD', error: TARGET_NOT_MEMBER },
} as const satisfies Record<string, DraftOutcome>;

export function idempotencyKey(draft: Pick<MessageDraft, 'senderId' | 'clientMessageId'>): string | undefined {
  return draft.clientMessageId === undefined ? undefined : JSON.stringify([draft.senderId, draft.clientMessageId]);
}

/**
 * Persist a batch in one transaction:
 *  0. one query checks every room exists and every sender (and private target) is a member, so
 *     the send path costs no round trip of its own;
 *  1. advisory locks on the batch's (sender, clientMessageId) keys, sorted, so a retry racing its
 *     original (another process, another batch) waits and then finds it instead of taking a seq;
 *  2. drafts already stored resolve to the first message;
 *  3. room rows locked in id order (no deadlock between processes), then one UPDATE hands each
 *     room a contiguous block of seqs — the row lock keeps seq gapless across processes;
 *  4. one multi-row INSERT.
 * Any failure rolls the whole batch back, seqs included, so a failed batch leaves no gap.
 * Drafts must have distinct idempotency keys (the committer merges duplicates).
 */
export async function writeBatch(db: Db, drafts: MessageDraft[]): Promise<DraftOutcome[]> {
  return db.$transaction(
    async (tx) => {
      const outcomes: (DraftOutcome | undefined)[] = new Array(drafts.length);
      await checkAccess(tx, drafts, outcomes);
      const keys = drafts
        .filter((_, i) => !outcomes[i])
        .map(idempotencyKey)
        .filter((k): k is string => k !== undefined)
        .sort();
      if (keys.length > 0) {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT k FROM unnest(${keys}::text[]) AS k ORDER BY k) AS sorted`;
        const existing = await storedRetries(
          tx,
          drafts.filter((d, i) => d.clientMessageId && !outcomes[i]),
        );
        const byKey = new Map(
          existing.map((row) => [
            idempotencyKey({ senderId: row.senderId, clientMessageId: row.clientMessageId ?? undefined }),
            row,
          ]),
        );
        drafts.forEach((d, i) => {
          const key = idempotencyKey(d);
          const row = key ? byKey.get(key) : undefined;
          if (row && !outcomes[i]) outcomes[i] = { ok: true, message: toMessage(row), created: false };
        });
      }

      const fresh = drafts.map((d, i) => ({ d, i })).filter(({ i }) => outcomes[i] === undefined);
      const perRoom = new Map<string, number>();
      for (const { d } of fresh) perRoom.set(d.roomId, (perRoom.get(d.roomId) ?? 0) + 1);
      const roomIds = [...perRoom.keys()].sort();
      if (roomIds.length > 1) {
        await tx.$executeRaw`SELECT 1 FROM "Room" WHERE id = ANY(${roomIds}::text[]) ORDER BY id FOR UPDATE`;
      }
      const counts = roomIds.map((id) => perRoom.get(id)!);
      const allocated =
        roomIds.length === 0
          ? []
          : await tx.$queryRaw<{ id: string; lastSeq: number }[]>`
      UPDATE "Room" AS r SET "lastSeq" = r."lastSeq" + v.n, "lastActivityAt" = now(), "archivedAt" = NULL
      FROM unnest(${roomIds}::text[], ${counts}::int[]) AS v(id, n)
      WHERE r.id = v.id
      RETURNING r.id, r."lastSeq"`;
      const nextSeq = new Map(allocated.map((r) => [r.id, r.lastSeq - perRoom.get(r.id)! + 1]));

      const rows: Prisma.MessageCreateManyInput[] = [];
      const createdAt = new Date();
      for (const { d, i } of fresh) {
        const seq = nextSeq.get(d.roomId);
        if (seq === undefined) {
          outcomes[i] = REFUSED.room;
          continue;
        }
        nextSeq.set(d.roomId, seq + 1);
        const row = {
          id: crypto.randomUUID(),
          roomId: d.roomId,
          seq,
          senderId: d.senderId,
          content: d.content,
          targetUserId: d.targetUserId ?? null,
          clientMessageId: d.clientMessageId ?? null,
          attachments: d.attachments && d.attachments.length > 0 ? d.attachments : [],
          createdAt,
        };
        rows.push(row);
        outcomes[i] = { ok: true, message: toMessage(row), created: true };
      }
      if (rows.length > 0) await insertRows(tx, rows, createdAt);
      return outcomes as DraftOutcome[];
    },
    { maxWait: 10_000, timeout: 15_000 },
  );
}

type Tx = Prisma.TransactionClient;

/**
 * One multi-row INSERT from column arrays. Raw SQL on purpose: on this path Prisma's
 * createMany spent about a third of messaging's CPU compiling and serialising each row
 * (profiled under `npm run bench`), for a statement whose shape never changes.
 */
async function insertRows(tx: Tx, rows: Prisma.MessageCreateManyInput[], createdAt: Date): Promise<void> {
  const column = <T>(pick: (row: Prisma.MessageCreateManyInput) => T) => rows.map(pick);
  await tx.$executeRaw`
    INSERT INTO "Message" (id, "roomId", seq, "senderId", content, "targetUserId", "clientMessageId", attachments, "createdAt")
    SELECT v.id, v.room, v.seq, v.sender, v.content, v.target, v.cmid, v.attachments::jsonb, ${createdAt}
    FROM unnest(
      ${column((r) => r.id)}::text[], ${column((r) => r.roomId)}::text[], ${column((r) => r.seq)}::int[],
      ${column((r) => r.senderId)}::text[], ${column((r) => r.content)}::text[], ${column((r) => r.targetUserId ?? null)}::text[],
      ${column((r) => r.clientMessageId ?? null)}::text[], ${column((r) => JSON.stringify(r.attachments ?? []))}::text[]
    ) AS v(id, room, seq, sender, content, target, cmid, attachments)`;
}

/**
 * The messages already stored under these drafts' (sender, clientMessageId), through the unique
 * index. Raw SQL for the reason `insertRows` gives: Prisma's findMany compiled this query for
 * every batch (in its WebAssembly query compiler) and builds an OR of one clause per draft.
 */
async function storedRetries(tx: Tx, drafts: MessageDraft[]): Promise<MessageRow[]> {
  if (drafts.length === 0) return [];
  return tx.$queryRaw<MessageRow[]>`
    SELECT m.id, m."roomId", m.seq, m."senderId", m.content, m."targetUserId", m."clientMessageId", m.attachments, m."createdAt"
    FROM unnest(${drafts.map((d) => d.senderId)}::text[], ${drafts.map((d) => d.clientMessageId!)}::text[]) AS k(sender, cmid)
    JOIN "Message" m ON m."senderId" = k.sender AND m."clientMessageId" = k.cmid`;
}

/** Room exists, sender is a member, a private target is a member: one query for the batch. */
async function checkAccess(tx: Tx, drafts: MessageDraft[], outcomes: (DraftOutcome | undefined)[]): Promise<void> {
  const roomIds: string[] = [];
  const userIds: string[] = [];
  for (const d of drafts) {
    roomIds.push(d.roomId, d.roomId);
    userIds.push(d.senderId, d.targetUserId ?? d.senderId);
  }
  const rows = await tx.$queryRaw<{ ord: bigint; room: boolean; member: boolean }[]>`
    SELECT v.ord,
      EXISTS (SELECT 1 FROM "Room" r WHERE r.id = v.r) AS room,
      EXISTS (SELECT 1 FROM "RoomMember" m WHERE m."roomId" = v.r AND m."userId" = v.u) AS member
    FROM unnest(${roomIds}::text[], ${userIds}::text[]) WITH ORDINALITY AS v(r, u, ord)`;
  const byOrd = new Map(rows.map((r) => [Number(r.ord) - 1, r]));
  drafts.forEach((_, i) => {
    const sender = byOrd.get(2 * i);
    const target = byOrd.get(2 * i + 1);
    if (!sender?.room) outcomes[i] = REFUSED.room;
    else if (!sender.member) outcomes[i] = REFUSED.sender;
    else if (!target?.member) outcomes[i] = REFUSED.target;
  });
}
