// Group commit vs naive per-message persistence, in one run on one machine and one database.
// Not a test: it measures. `npm run bench:messaging -- [--senders 200] [--messages 20000] [--rooms 10]`
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { MemoryBus } from '@switchboard/bus';
import { createDb, type Db } from '@switchboard/db';
import { type Message, type Principal, socketRooms } from '@switchboard/protocol';
import type { Broadcaster } from '@switchboard/runtime';
import { createBenchDatabase, testLogger } from '@switchboard/testkit';
import { GroupCommitter } from '../src/commit/group-committer.ts';
import { requireMembership } from '../src/handlers/access.ts';
import type { MessagingDeps } from '../src/handlers/deps.ts';
import { sendMessage } from '../src/handlers/messages.ts';
import { toMessage } from '../src/store/messages.ts';
import { insertRoom } from '../src/store/rooms.ts';

const { values } = parseArgs({
  options: {
    senders: { type: 'string', default: '200' },
    messages: { type: 'string', default: '20000' },
    rooms: { type: 'string', default: '10' },
    pool: { type: 'string', default: '10' },
  },
});
const SENDERS = Number(values.senders);
const MESSAGES = Number(values.messages);
const ROOMS = Number(values.rooms);
const POOL = Number(values.pool);

type SendFn = (roomId: string, sender: Principal, content: string) => Promise<Message>;

/** Counts deliveries (message:new emits) and when each happened, per message id. */
function deliveryClock(): { broadcaster: Broadcaster; deliveredAt: Map<string, number> } {
  const deliveredAt = new Map<string, number>();
  const target = {
    emit: (_event: string, ...args: unknown[]) => {
      const message = args[0] as Message;
      deliveredAt.set(message.id, performance.now());
      return true;
    },
    socketsJoin: () => {},
    socketsLeave: () => {},
    disconnectSockets: () => {},
  };
  return { broadcaster: { to: () => target, in: () => target } as unknown as Broadcaster, deliveredAt };
}

/** The naive path: per message, seq from its own UPDATE…RETURNING transaction, one INSERT, then emit. */
function naiveSend(db: Db, broadcaster: Broadcaster): SendFn {
  return async (roomId, sender, content) => {
    await requireMembership(db, roomId, sender.userId);
    const [{ lastSeq }] = (await db.$queryRaw<{ lastSeq: number }[]>`
      UPDATE "Room" SET "lastSeq" = "lastSeq" + 1, "lastActivityAt" = now(), "archivedAt" = NULL WHERE id = ${roomId} RETURNING "lastSeq"`) as [
      { lastSeq: number },
    ];
    const row = await db.message.create({
      data: { id: crypto.randomUUID(), roomId, seq: lastSeq, senderId: sender.userId, content, attachments: [] },
    });
    const message = toMessage(row);
    broadcaster.to(socketRooms.room(roomId)).emit('message:new', message);
    return message;
  };
}

function groupSend(deps: MessagingDeps): SendFn {
  return async (roomId, sender, content) => (await sendMessage(deps, { roomId, content }, sender)).message;
}

async function makeRooms(db: Db, label: string): Promise<{ rooms: string[]; senders: Principal[] }> {
  const senders = Array.from({ length: SENDERS }, (_, i) => ({
    userId: `${label}-u${i}`,
    name: `u${i}`,
    role: 'user',
  }));
  const rooms: string[] = [];
  for (let r = 0; r < ROOMS; r++) {
    const id = `${label}-room-${r}`;
    const memberIds = senders.filter((_, i) => i % ROOMS === r).map((s) => s.userId);
    await insertRoom(db, {
      id,
      type: 'group',
      name: id,
      ownerId: memberIds[0] ?? 'owner',
      approvalRequired: false,
      emergencyContacts: [],
      directKey: null,
      memberIds,
    });
    rooms.push(id);
  }
  return { rooms, senders };
}

interface Result {
  path: string;
  wallMs: number;
  latencies: number[];
  acked: number;
  delivered: number;
  stored: number;
  gapless: boolean;
}

async function run(
  path: string,
  db: Db,
  send: SendFn,
  deliveredAt: Map<string, number>,
  total: number,
): Promise<Result> {
  const { rooms, senders } = await makeRooms(db, path);
  const latencies: number[] = [];
  let next = 0;
  let acked = 0;
  const started = performance.now();
  // Each sender sends one message at a time (waits for its ack), like a client would.
  await Promise.all(
    senders.map(async (sender, i) => {
      const roomId = rooms[i % ROOMS]!;
      while (next < total) {
        next += 1;
        const t0 = performance.now();
        const message = await send(roomId, sender, `hello ${next}`);
        acked += 1;
        latencies.push((deliveredAt.get(message.id) ?? performance.now()) - t0);
      }
    }),
  );
  const wallMs = performance.now() - started;
  let stored = 0;
  let gapless = true;
  for (const roomId of rooms) {
    const seqs = (await db.message.findMany({ where: { roomId }, select: { seq: true }, orderBy: { seq: 'asc' } })).map(
      (m) => m.seq,
    );
    stored += seqs.length;
    if (seqs.some((s, k) => s !== k + 1)) gapless = false;
  }
  const delivered = [...deliveredAt.keys()].length;
  deliveredAt.clear();
  return { path, wallMs, latencies, acked, delivered, stored, gapless };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const database = await createBenchDatabase('messaging');
  const db = createDb(database.url, { poolSize: POOL });
  try {
    const clock = deliveryClock();
    const log = testLogger('bench');
    // The committer as it runs (two batches in flight, rooms disjoint) and with one at a time.
    const committer = new GroupCommitter({ db, log });
    const serial = new GroupCommitter({ db, log, maxInFlight: 1 });
    const deps: MessagingDeps = { db, bus: new MemoryBus(), broadcaster: clock.broadcaster, log, committer };
    const paths: [string, SendFn][] = [
      ['naive', naiveSend(db, clock.broadcaster)],
      ['group-commit-1-in-flight', groupSend({ ...deps, committer: serial })],
      ['group-commit', groupSend(deps)],
    ];
    // Warm-up: connections, prepared plans, JIT.
    for (const [path, send] of paths) await run(`warm-${path}`, db, send, clock.deliveredAt, Math.min(2000, MESSAGES));
    const results: Result[] = [];
    for (const [path, send] of paths) results.push(await run(path, db, send, clock.deliveredAt, MESSAGES));
    await committer.close();
    await serial.close();

    console.log(
      `\n${SENDERS} concurrent senders, ${MESSAGES} messages, ${ROOMS} rooms, pool ${POOL}, Postgres on localhost\n`,
    );
    console.log(
      '| path | messages/s persisted | messages/s delivered | p50 send→deliver (ms) | p99 send→deliver (ms) | acked | stored | lost | seq gapless |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const r of results) {
      const sorted = [...r.latencies].sort((a, b) => a - b);
      const perSec = (n: number) => Math.round(n / (r.wallMs / 1000));
      console.log(
        `| ${r.path} | ${perSec(r.stored)} | ${perSec(r.delivered)} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${r.acked} | ${r.stored} | ${r.acked - r.stored} | ${r.gapless ? 'yes' : 'NO'} |`,
      );
    }
    const lost = results.some((r) => r.acked !== r.stored || !r.gapless);
    if (lost) process.exitCode = 1;
  } finally {
    await db.$disconnect();
    await database.drop();
  }
}

await main();
