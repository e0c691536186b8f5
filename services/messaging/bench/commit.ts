// One batch commit: the old transaction of 7-8 statements (BASELINE below, a copy of the writer
// before switchboard_commit_batch) vs writeBatch's one function call, interleaved in one run on
// one fresh database. Per batch: wall time, this process's CPU (process.cpuUsage) and the
// Postgres backend's CPU (/proc/<pg_backend_pid()>/schedstat, Postgres on this machine only).
// Not a test: it measures. `npx tsx --conditions=@switchboard/source services/messaging/bench/commit.ts
//   [--batches 300] [--sizes 1,10,50] [--rooms 300]`
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createDb, type Db, sql } from '@switchboard/db';
import { createBenchDatabase } from '@switchboard/testkit';
import pg from 'pg';
import { type MessageDraft, writeBatch } from '../src/commit/batch-writer.ts';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '300' },
    sizes: { type: 'string', default: '1,10,50' },
    rooms: { type: 'string', default: '300' },
  },
});
const BATCHES = Number(values.batches);
const SIZES = values.sizes.split(',').map(Number);
const ROOMS = Number(values.rooms);
const MEMBERS = ['alice', 'bob', 'carol'];

// ───── BASELINE: the writer as it was before switchboard_commit_batch (access check, advisory
// locks, retry lookup, room locks, seq UPDATE, INSERT in one BEGIN … COMMIT on one connection).
// Refusals are not needed here (every draft is valid), so they only mark the draft refused.

type Query = <Row>(text: string, values?: unknown[]) => Promise<Row[]>;

async function baselineWriteBatch(client: pg.PoolClient, drafts: MessageDraft[], count: () => void): Promise<number> {
  const query: Query = async <Row>(text: string, params: unknown[] = []) => {
    count();
    return (await client.query(text, params)).rows as Row[];
  };
  await query('BEGIN');
  try {
    const refused = new Set<number>();
    const access = await query<{ ord: string; room: boolean; member: boolean }>(
      `SELECT v.ord,
         EXISTS (SELECT 1 FROM "Room" r WHERE r.id = v.r) AS room,
         EXISTS (SELECT 1 FROM "RoomMember" m WHERE m."roomId" = v.r AND m."userId" = v.u) AS member
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS v(r, u, ord)`,
      [drafts.flatMap((d) => [d.roomId, d.roomId]), drafts.flatMap((d) => [d.senderId, d.targetUserId ?? d.senderId])],
    );
    for (const row of access) if (!row.room || !row.member) refused.add(Math.floor((Number(row.ord) - 1) / 2));
    const keyed = drafts.filter((d, i) => d.clientMessageId && !refused.has(i));
    const found = new Set<string>();
    if (keyed.length > 0) {
      const keys = keyed.map((d) => JSON.stringify([d.senderId, d.clientMessageId])).sort();
      await query(
        'SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS sorted',
        [keys],
      );
      const rows = await query<{ senderId: string; clientMessageId: string }>(
        `SELECT m.id, m."roomId", m.seq, m."senderId", m.content, m."targetUserId", m."clientMessageId", m.attachments,
           (m."createdAt" AT TIME ZONE 'UTC') AS "createdAt"
         FROM unnest($1::text[], $2::text[]) AS k(sender, cmid)
         JOIN "Message" m ON m."senderId" = k.sender AND m."clientMessageId" = k.cmid`,
        [keyed.map((d) => d.senderId), keyed.map((d) => d.clientMessageId)],
      );
      for (const row of rows) found.add(JSON.stringify([row.senderId, row.clientMessageId]));
    }
    const fresh = drafts.filter(
      (d, i) => !refused.has(i) && !found.has(JSON.stringify([d.senderId, d.clientMessageId])),
    );
    const perRoom = new Map<string, number>();
    for (const d of fresh) perRoom.set(d.roomId, (perRoom.get(d.roomId) ?? 0) + 1);
    const roomIds = [...perRoom.keys()].sort();
    if (roomIds.length > 1) {
      await query('SELECT 1 FROM "Room" WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [roomIds]);
    }
    const allocated =
      roomIds.length === 0
        ? []
        : await query<{ id: string; lastSeq: number }>(
            `UPDATE "Room" AS r SET "lastSeq" = r."lastSeq" + v.n, "lastActivityAt" = now(), "archivedAt" = NULL
               FROM unnest($1::text[], $2::int[]) AS v(id, n) WHERE r.id = v.id RETURNING r.id, r."lastSeq"`,
            [roomIds, roomIds.map((id) => perRoom.get(id))],
          );
    const nextSeq = new Map(allocated.map((r) => [r.id, r.lastSeq - perRoom.get(r.id)! + 1]));
    const rows = fresh.flatMap((d) => {
      const seq = nextSeq.get(d.roomId);
      if (seq === undefined) return [];
      nextSeq.set(d.roomId, seq + 1);
      return [{ ...d, id: crypto.randomUUID(), seq }];
    });
    if (rows.length > 0) {
      await query(
        `INSERT INTO "Message" (id, "roomId", seq, "senderId", content, "targetUserId", "clientMessageId", attachments, "createdAt")
         SELECT v.id, v.room, v.seq, v.sender, v.content, v.target, v.cmid, v.attachments::jsonb, ($9::timestamptz AT TIME ZONE 'UTC')
         FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           AS v(id, room, seq, sender, content, target, cmid, attachments)`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.roomId),
          rows.map((r) => r.seq),
          rows.map((r) => r.senderId),
          rows.map((r) => r.content),
          rows.map((r) => r.targetUserId ?? null),
          rows.map((r) => r.clientMessageId ?? null),
          rows.map((r) => JSON.stringify(r.attachments ?? [])),
          new Date().toISOString(),
        ],
      );
    }
    await query('COMMIT');
    return rows.length;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
// ───── end of BASELINE

/** On-CPU time of a local process in µs: the first field of /proc/<pid>/schedstat is nanoseconds. */
function backendCpuUs(pid: number): number {
  return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
}

function processCpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

interface Sample {
  wallMs: number;
  cpuUs: number;
  backendUs: number;
  statements: number;
}

type Path = (drafts: MessageDraft[]) => Promise<{ statements: number }>;

async function measure(path: Path, backendPid: number, drafts: MessageDraft[]): Promise<Sample> {
  const [cpu0, be0, t0] = [processCpuUs(), backendCpuUs(backendPid), performance.now()];
  const { statements } = await path(drafts);
  const wallMs = performance.now() - t0;
  return { wallMs, cpuUs: processCpuUs() - cpu0, backendUs: backendCpuUs(backendPid) - be0, statements };
}

let sent = 0;
function batch(rooms: string[], size: number): MessageDraft[] {
  return Array.from({ length: size }, () => {
    sent += 1;
    const roomId = rooms[Math.floor(Math.random() * rooms.length)]!;
    const senderId = MEMBERS[sent % MEMBERS.length]!;
    return { roomId, senderId, content: `hello ${sent}`, clientMessageId: `c-${sent}` };
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const database = await createBenchDatabase('commit');
  // One connection per path, so each has one backend whose CPU we read.
  const db: Db = createDb(database.url, { poolSize: 1 });
  const basePool = new pg.Pool({ connectionString: database.url, max: 1 });
  const baseClient = await basePool.connect();
  try {
    const rooms = Array.from({ length: ROOMS }, (_, i) => `room-${i}`);
    await db.room.createMany({ data: rooms.map((id) => ({ id, type: 'group', ownerId: MEMBERS[0]! })) });
    await db.roomMember.createMany({ data: rooms.flatMap((roomId) => MEMBERS.map((userId) => ({ roomId, userId }))) });
    const [{ pid: fnPid }] = (await sql<{ pid: number }>(db, 'SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
    const basePid = (await baseClient.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

    const paths: Record<'baseline' | 'function', { run: Path; pid: number }> = {
      baseline: {
        pid: basePid,
        run: async (drafts) => {
          let statements = 0;
          await baselineWriteBatch(baseClient, drafts, () => void (statements += 1));
          return { statements };
        },
      },
      function: {
        pid: fnPid,
        run: async (drafts) => {
          const outcomes = await writeBatch(db, drafts);
          if (outcomes.some((o) => !o.ok)) throw new Error('a draft was refused');
          return { statements: 1 };
        },
      },
    };
    const samples = new Map<string, Sample[]>();
    // Warm-up: plans, the function's cached plans, JIT.
    for (let i = 0; i < 30; i++) for (const p of Object.values(paths)) await p.run(batch(rooms, 10));
    for (let i = 0; i < BATCHES; i++) {
      for (const size of SIZES) {
        // Alternate which path goes first, so neither always runs on a warmer cache.
        const order = i % 2 === 0 ? (['baseline', 'function'] as const) : (['function', 'baseline'] as const);
        for (const path of order) {
          const key = `${size}/${path}`;
          const list = samples.get(key) ?? [];
          list.push(await measure(paths[path].run, paths[path].pid, batch(rooms, size)));
          samples.set(key, list);
        }
      }
    }

    console.log(
      `\n${BATCHES} batches per size and path, interleaved; ${ROOMS} rooms × ${MEMBERS.length} members; load ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}\n`,
    );
    console.log(
      '| size | path | statements | wall p50 (ms) | wall p99 (ms) | node CPU / batch (µs) | Postgres backend CPU / batch (µs) |',
    );
    console.log('|---:|---|---:|---:|---:|---:|---:|');
    const summary = (size: number, path: string) => {
      const list = samples.get(`${size}/${path}`)!;
      const wall = list.map((s) => s.wallMs).sort((a, b) => a - b);
      return {
        statements: mean(list.map((s) => s.statements)),
        p50: percentile(wall, 50),
        p99: percentile(wall, 99),
        cpu: mean(list.map((s) => s.cpuUs)),
        backend: mean(list.map((s) => s.backendUs)),
      };
    };
    for (const size of SIZES) {
      for (const path of ['baseline', 'function']) {
        const s = summary(size, path);
        console.log(
          `| ${size} | ${path} | ${s.statements.toFixed(0)} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.cpu.toFixed(0)} | ${s.backend.toFixed(0)} |`,
        );
      }
    }
    console.log('\n| size | wall p50 function/baseline | wall p99 | node CPU | backend CPU | node+backend CPU |');
    console.log('|---:|---:|---:|---:|---:|---:|');
    for (const size of SIZES) {
      const [b, f] = [summary(size, 'baseline'), summary(size, 'function')];
      const r = (x: number, y: number) => (x / y).toFixed(2);
      console.log(
        `| ${size} | ${r(f.p50, b.p50)} | ${r(f.p99, b.p99)} | ${r(f.cpu, b.cpu)} | ${r(f.backend, b.backend)} | ${r(f.cpu + f.backend, b.cpu + b.backend)} |`,
      );
    }
    const stored = await db.message.count();
    const gaps = await sql<{ n: number }>(
      db,
      `SELECT count(*)::int AS n FROM "Room" r WHERE r."lastSeq" <> (SELECT count(*) FROM "Message" m WHERE m."roomId" = r.id)`,
    );
    console.log(`\n${stored} messages stored; rooms whose lastSeq is not their message count: ${gaps[0]!.n}`);
    if (gaps[0]!.n > 0) process.exitCode = 1;
  } finally {
    baseClient.release();
    await basePool.end();
    await db.$disconnect();
    await database.drop();
  }
}

await main();
