import crypto from 'node:crypto';
import { type Db, type SqlTx, sqlTransaction } from '@switchboard/db';
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
 * On the pool, not through Prisma (`sqlTransaction`): Prisma's interactive transaction cost ≈ 2 ms
 * per statement, most of the commit's 15–19 ms for a batch of one (the hop trace, `HOP_TRACE_EVERY`).
 */
export async function writeBatch(db: Db, drafts: MessageDraft[]): Promise<DraftOutcome[]> {
  return sqlTransaction(db, async (tx) => {
    const outcomes: (DraftOutcome | undefined)[] = new Array(drafts.length);
    await checkAccess(tx, drafts, outcomes);
    const keys = drafts
      .filter((_, i) => !outcomes[i])
      .map(idempotencyKey)
      .filter((k): k is string => k !== undefined)
      .sort();
    if (keys.length > 0) {
      await tx.query(
        'SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS sorted',
        [keys],
      );
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
      await tx.query('SELECT 1 FROM "Room" WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [roomIds]);
    }
    const counts = roomIds.map((id) => perRoom.get(id)!);
    const allocated =
      roomIds.length === 0
        ? []
        : await tx.query<{ id: string; lastSeq: number }>(
            `UPDATE "Room" AS r SET "lastSeq" = r."lastSeq" + v.n, "lastActivityAt" = now(), "archivedAt" = NULL
               FROM unnest($1::text[], $2::int[]) AS v(id, n)
               WHERE r.id = v.id
               RETURNING r.id, r."lastSeq"`,
            [roomIds, counts],
          );
    const nextSeq = new Map(allocated.map((r) => [r.id, r.lastSeq - perRoom.get(r.id)! + 1]));

    const rows: MessageRow[] = [];
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
  });
}

type Tx = SqlTx;

/**
 * One multi-row INSERT from column arrays. Raw SQL on purpose: on this path Prisma's
 * createMany spent about a third of messaging's CPU compiling and serialising each row
 * (profiled under `npm run bench`), for a statement whose shape never changes. `createdAt` goes
 * in as UTC text: the column is `timestamp` without a zone, as Prisma keeps DateTime.
 */
async function insertRows(tx: Tx, rows: MessageRow[], createdAt: Date): Promise<void> {
  const column = <T>(pick: (row: MessageRow) => T) => rows.map(pick);
  await tx.query(
    `INSERT INTO "Message" (id, "roomId", seq, "senderId", content, "targetUserId", "clientMessageId", attachments, "createdAt")
     SELECT v.id, v.room, v.seq, v.sender, v.content, v.target, v.cmid, v.attachments::jsonb, ($9::timestamptz AT TIME ZONE 'UTC')
     FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       AS v(id, room, seq, sender, content, target, cmid, attachments)`,
    [
      column((r) => r.id),
      column((r) => r.roomId),
      column((r) => r.seq),
      column((r) => r.senderId),
      column((r) => r.content),
      column((r) => r.targetUserId ?? null),
      column((r) => r.clientMessageId ?? null),
      column((r) => JSON.stringify(r.attachments ?? [])),
      createdAt.toISOString(),
    ],
  );
}

/**
 * The messages already stored under these drafts' (sender, clientMessageId), through the unique
 * index. Raw SQL for the reason `insertRows` gives: Prisma's findMany compiled this query for
 * every batch (in its WebAssembly query compiler) and builds an OR of one clause per draft.
 */
async function storedRetries(tx: Tx, drafts: MessageDraft[]): Promise<MessageRow[]> {
  if (drafts.length === 0) return [];
  // `createdAt` read as timestamptz (the stored value is UTC), so pg's parser makes the right Date.
  return tx.query<MessageRow>(
    `SELECT m.id, m."roomId", m.seq, m."senderId", m.content, m."targetUserId", m."clientMessageId", m.attachments,
       (m."createdAt" AT TIME ZONE 'UTC') AS "createdAt"
     FROM unnest($1::text[], $2::text[]) AS k(sender, cmid)
     JOIN "Message" m ON m."senderId" = k.sender AND m."clientMessageId" = k.cmid`,
    [drafts.map((d) => d.senderId), drafts.map((d) => d.clientMessageId!)],
  );
}

/** Room exists, sender is a member, a private target is a member: one query for the batch. */
async function checkAccess(tx: Tx, drafts: MessageDraft[], outcomes: (DraftOutcome | undefined)[]): Promise<void> {
  const roomIds: string[] = [];
  const userIds: string[] = [];
  for (const d of drafts) {
    roomIds.push(d.roomId, d.roomId);
    userIds.push(d.senderId, d.targetUserId ?? d.senderId);
  }
  // `ord` is a bigint: pg hands it over as text, Prisma as a BigInt; Number() reads both.
  const rows = await tx.query<{ ord: bigint | string; room: boolean; member: boolean }>(
    `SELECT v.ord,
       EXISTS (SELECT 1 FROM "Room" r WHERE r.id = v.r) AS room,
       EXISTS (SELECT 1 FROM "RoomMember" m WHERE m."roomId" = v.r AND m."userId" = v.u) AS member
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS v(r, u, ord)`,
    [roomIds, userIds],
  );
  const byOrd = new Map(rows.map((r) => [Number(r.ord) - 1, r]));
  drafts.forEach((_, i) => {
    const sender = byOrd.get(2 * i);
    const target = byOrd.get(2 * i + 1);
    if (!sender?.room) outcomes[i] = REFUSED.room;
    else if (!sender.member) outcomes[i] = REFUSED.sender;
    else if (!target?.member) outcomes[i] = REFUSED.target;
  });
}
