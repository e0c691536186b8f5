-- Messaging's group commit as one function, so a batch costs one round trip instead of 7-8
-- (services/messaging/src/commit/batch-writer.ts calls it; docs/architecture.md, "Group commit").
-- Written by hand: Prisma does not model functions, and `npm run db:migration` rewrites only
-- 0001_init. A change to "Message" or "Room" columns must follow here, in a new migration with
-- CREATE OR REPLACE (migrate deploy never re-runs an applied one).
--
-- One call = one statement = one implicit transaction: any error rolls back the whole batch,
-- seqs included. It relies on READ COMMITTED (the default) and on being VOLATILE: each statement
-- below takes a fresh snapshot, so the lookup after the advisory locks sees a racing original
-- that committed while this batch waited.
--
-- Input: one array element per draft, all arrays the same length, (sender, clientMessageId)
-- distinct within the batch. Output: one row per draft, `ord` its 1-based index, `outcome` one of
--   stored      stored now; `seq` is its seq (the caller knows the other fields)
--   earlier     stored before under the same (sender, clientMessageId): the stored message
--   no_room     the room does not exist
--   not_member  the sender is not a member
--   target_not_member  the private target is not a member
CREATE OR REPLACE FUNCTION switchboard_commit_batch(
  p_id text[],
  p_room text[],
  p_sender text[],
  p_target text[],
  p_cmid text[],
  p_content text[],
  p_attachments jsonb[],
  p_created_at timestamptz
) RETURNS TABLE (
  ord int,
  outcome text,
  id text,
  "roomId" text,
  seq int,
  "senderId" text,
  content text,
  "targetUserId" text,
  "clientMessageId" text,
  attachments jsonb,
  "createdAt" timestamptz
)
LANGUAGE plpgsql VOLATILE
-- Bounds lock waits on the server, so a batch stuck behind a lock rolls back by itself before
-- the client's own timeout (15 s) gives up on the connection.
SET lock_timeout = '10s'
AS $$
#variable_conflict use_column
DECLARE
  -- Per draft: NULL while it still needs a seq, else its outcome.
  v_state text[];
  v_key text;
  r record;
BEGIN
  -- 0. Access: the room exists, the sender is a member, a private target is a member.
  SELECT array_agg(
      CASE
        WHEN NOT EXISTS (SELECT 1 FROM "Room" rm WHERE rm.id = d.room) THEN 'no_room'
        WHEN NOT EXISTS (SELECT 1 FROM "RoomMember" m WHERE m."roomId" = d.room AND m."userId" = d.sender)
          THEN 'not_member'
        WHEN d.target IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM "RoomMember" m WHERE m."roomId" = d.room AND m."userId" = d.target)
          THEN 'target_not_member'
      END ORDER BY d.i)
    INTO v_state
    FROM unnest(p_room, p_sender, p_target) WITH ORDINALITY AS d(room, sender, target, i);

  -- 1. Advisory locks on the (sender, clientMessageId) keys, one at a time in key order (no
  -- deadlock between batches): a retry racing its original in another process waits here, then
  -- finds it below instead of taking a seq. The key is JSON.stringify([sender, cmid]), the text
  -- the TypeScript writer locked before this function, so both agree during a rolling upgrade.
  FOR v_key IN
    SELECT DISTINCT '[' || to_json(d.sender)::text || ',' || to_json(d.cmid)::text || ']' AS k
      FROM unnest(p_sender, p_cmid) WITH ORDINALITY AS d(sender, cmid, i)
      WHERE d.cmid IS NOT NULL AND v_state[d.i] IS NULL
      ORDER BY k
  LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended(v_key, 0));
  END LOOP;

  -- 2. Drafts already stored resolve to the first message. createdAt is stored as UTC without a
  -- zone; handed back as timestamptz so the caller's parser reads the right instant.
  FOR r IN
    SELECT d.i, m.id, m."roomId", m.seq, m."senderId", m.content, m."targetUserId", m."clientMessageId",
        m.attachments, (m."createdAt" AT TIME ZONE 'UTC') AS created
      FROM unnest(p_sender, p_cmid) WITH ORDINALITY AS d(sender, cmid, i)
      JOIN "Message" m ON m."senderId" = d.sender AND m."clientMessageId" = d.cmid
      WHERE v_state[d.i] IS NULL
  LOOP
    v_state[r.i] := 'earlier';
    RETURN QUERY SELECT r.i::int, 'earlier', r.id, r."roomId", r.seq, r."senderId", r.content, r."targetUserId",
      r."clientMessageId", r.attachments, r.created;
  END LOOP;

  -- 3. Room rows locked in id order (no deadlock between processes); the lock keeps seq
  -- gapless across processes while the UPDATE hands each room a contiguous block.
  PERFORM 1 FROM "Room" rm
    WHERE rm.id IN (SELECT d.room FROM unnest(p_room) WITH ORDINALITY AS d(room, i) WHERE v_state[d.i] IS NULL)
    ORDER BY rm.id
    FOR UPDATE;

  -- 4. Seqs in draft order within each room, one multi-row INSERT. A room deleted since step 0
  -- has no row to update: its drafts come back `no_room`.
  RETURN QUERY
    WITH pending AS (
      SELECT d.i::int AS i, d.room, row_number() OVER (PARTITION BY d.room ORDER BY d.i)::int AS k
        FROM unnest(p_room) WITH ORDINALITY AS d(room, i)
        WHERE v_state[d.i] IS NULL
    ), counts AS (
      SELECT pe.room, max(pe.k) AS n FROM pending pe GROUP BY pe.room
    ), bumped AS (
      UPDATE "Room" AS rm SET "lastSeq" = rm."lastSeq" + c.n, "lastActivityAt" = now(), "archivedAt" = NULL
        FROM counts c
        WHERE rm.id = c.room
        RETURNING rm.id, rm."lastSeq" - c.n AS base
    ), placed AS (
      SELECT pe.i, pe.room, b.base + pe.k AS seq FROM pending pe JOIN bumped b ON b.id = pe.room
    ), inserted AS (
      INSERT INTO "Message" (id, "roomId", seq, "senderId", content, "targetUserId", "clientMessageId", attachments, "createdAt")
        SELECT p_id[pl.i], pl.room, pl.seq, p_sender[pl.i], p_content[pl.i], p_target[pl.i], p_cmid[pl.i],
            p_attachments[pl.i], (p_created_at AT TIME ZONE 'UTC')
          FROM placed pl
    )
    SELECT pe.i, CASE WHEN pl.seq IS NULL THEN 'no_room' ELSE 'stored' END, NULL::text, NULL::text, pl.seq,
        NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::timestamptz
      FROM pending pe LEFT JOIN placed pl ON pl.i = pe.i;

  -- Refusals from step 0.
  RETURN QUERY
    SELECT s.i::int, v_state[s.i], NULL::text, NULL::text, NULL::int, NULL::text, NULL::text, NULL::text,
        NULL::text, NULL::jsonb, NULL::timestamptz
      FROM generate_subscripts(v_state, 1) AS s(i)
      WHERE v_state[s.i] <> 'earlier';
END
$$;
