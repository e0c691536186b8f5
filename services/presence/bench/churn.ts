// Presence churn benchmark (not a test): N simulated devices connect and disconnect through the
// presence service's own bus handlers with the Redis store, the real redis-emitter broadcaster
// and a private redis-server. Reports per operation: commands the service sends (round trips),
// commands Redis executes (including inside the Lua scripts), Redis CPU, service CPU, and how a
// `presence:changed` grows with subscribers. Run: `npm run bench:presence` (BENCH_DEVICES=5000,
// BENCH_SUBSCRIBERS=0,10,100). The load generator and Redis share the machine's cores.
import os from 'node:os';
import type { RequestContext } from '@switchboard/protocol';
import { createLogger, createRedis, createRedisBroadcaster } from '@switchboard/runtime';
import { Redis } from 'ioredis';
import { createPresencePublisher } from '../src/fanout/presence-publisher.ts';
import type { RoomsOfUsers } from '../src/fanout/rooms-of-user.ts';
import type { SharingRoom } from '../src/fanout/visibility.ts';
import { sessionHandlers } from '../src/handlers/session-handlers.ts';
import { RedisPresenceStore } from '../src/store/redis-store.ts';
import { presenceTiming } from '../src/sweeper/timing.ts';
import { countSent, serverStats, startPrivateRedis, statsDelta, sum } from './redis-probe.ts';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 5000);
const SUBSCRIBERS = (process.env.BENCH_SUBSCRIBERS ?? '0,10,100').split(',').map(Number);
const CONCURRENCY = 50;

const server = await startPrivateRedis();
const log = createLogger({ service: 'bench', level: 'silent' });
const admin = new Redis(server.url);
const redis = createRedis(server.url, log, 'bench:presence');
const sent = countSent(redis);
const prefix = 'bench:';
const store = new RedisPresenceStore(redis, prefix);
// Messaging's rooms lookup is another service's bus round trip: stubbed (one room per user).
const roomsOfUsers: RoomsOfUsers = async (userIds) => new Map(userIds.map((id) => [id, ['room-1']]));
// Likewise the visibility lookup: every subscriber shares that room.
const sharingRoom: SharingRoom = async (_userId, candidates) => new Set(candidates);
const publish = createPresencePublisher({
  store,
  broadcaster: createRedisBroadcaster(redis, prefix),
  roomsOfUsers,
  sharingRoom,
  log,
});
const handlers = sessionHandlers({
  store,
  publish,
  timing: presenceTiming({ PRESENCE_OFFLINE_AFTER_MS: 30_000, PRESENCE_AWAY_AFTER_MS: 300_000 }),
  log,
});
const open = handlers['session:open'];
const close = handlers['session:close'];
const heartbeat = handlers['gateway:heartbeat'];

const ctx = (userId: string): RequestContext => ({ userId, name: userId, role: 'user', requestId: 'bench' });
const users = Array.from({ length: DEVICES }, (_, i) => `u${i}`);

async function inParallel(count: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

interface Row {
  phase: string;
  ops: number;
  sentPerOp: number;
  sentBreakdown: string;
  executedPerOp: number;
  publishBytesPerOp: number;
  redisCpuUsPerOp: number;
  serviceCpuUsPerOp: number;
  opsPerSecond: number;
}
const rows: Row[] = [];

async function measure(phase: string, ops: number, run: () => Promise<void>): Promise<void> {
  const sentBefore = new Map(sent.commands);
  const bytesBefore = sent.publishBytes;
  const statsBefore = await serverStats(admin);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const stats = statsDelta(statsBefore, await serverStats(admin));
  const sentDelta = new Map(
    [...sent.commands].map(([k, v]) => [k, v - (sentBefore.get(k) ?? 0)] as const).filter(([, v]) => v > 0),
  );
  rows.push({
    phase,
    ops,
    sentPerOp: sum(sentDelta) / ops,
    sentBreakdown: [...sentDelta].map(([k, v]) => `${k} ${(v / ops).toFixed(2)}`).join(', '),
    executedPerOp: sum(stats.calls) / ops,
    publishBytesPerOp: (sent.publishBytes - bytesBefore) / ops,
    redisCpuUsPerOp: (stats.cpuSeconds * 1e6) / ops,
    serviceCpuUsPerOp: (cpu.user + cpu.system) / ops,
    opsPerSecond: ops / seconds,
  });
}

// Warm-up (not measured): JIT, and the connection's first script calls (EVALs that load them).
const WARM = Math.min(DEVICES, 2000);
await inParallel(WARM, (i) => open({ socketId: `w${i}`, gatewayId: 'gw-warm' }, ctx(`warm${i}`)));
await heartbeat(
  { gatewayId: 'gw-warm', socketIds: ['w0'], sockets: [{ socketId: 'w0', userId: 'warm0' }], intervalMs: 10_000 },
  ctx('system'),
);
await inParallel(WARM, (i) => close({ socketId: `w${i}`, gatewayId: 'gw-warm' }, ctx(`warm${i}`)));

for (const subscriberCount of SUBSCRIBERS) {
  await admin.flushall();
  for (let s = 0; s < subscriberCount; s++) await store.subscribe(`watcher${s}`, users);
  const tag = `${subscriberCount} subscribers/user`;
  await measure(`connect, first device (${tag})`, DEVICES, () =>
    inParallel(DEVICES, (i) => open({ socketId: `a${i}`, gatewayId: `gw${i % 2}` }, ctx(users[i]!))),
  );
  if (subscriberCount === 0) {
    await measure('connect, second device (no change)', DEVICES, () =>
      inParallel(DEVICES, (i) => open({ socketId: `b${i}`, gatewayId: `gw${i % 2}` }, ctx(users[i]!))),
    );
    await measure('disconnect, one of two devices (no change)', DEVICES, () =>
      inParallel(DEVICES, (i) => close({ socketId: `b${i}`, gatewayId: `gw${i % 2}` }, ctx(users[i]!))),
    );
    const half = users.filter((_, i) => i % 2 === 0).map((userId, k) => ({ socketId: `a${k * 2}`, userId }));
    await measure(`heartbeat of a gateway with ${half.length} sockets`, 5, async () => {
      for (let i = 0; i < 5; i++)
        await heartbeat(
          { gatewayId: 'gw0', socketIds: half.map((s) => s.socketId), sockets: half, intervalMs: 10_000 },
          ctx('system'),
        );
    });
  }
  await measure(`disconnect, last device (${tag})`, DEVICES, () =>
    inParallel(DEVICES, (i) => close({ socketId: `a${i}`, gatewayId: `gw${i % 2}` }, ctx(users[i]!))),
  );
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
console.log(
  `\nPresence churn: ${DEVICES} devices, concurrency ${CONCURRENCY}, ${os.cpus().length} cores shared by service, Redis and driver\n`,
);
console.log(
  '| phase | ops | commands sent / op | sent breakdown / op | commands executed by Redis / op | PUBLISH bytes / op | Redis CPU µs / op | service CPU µs / op | ops/s |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.phase} | ${r.ops} | ${fmt(r.sentPerOp, 2)} | ${r.sentBreakdown} | ${fmt(r.executedPerOp)} | ${fmt(r.publishBytesPerOp, 0)} | ${fmt(r.redisCpuUsPerOp)} | ${fmt(r.serviceCpuUsPerOp)} | ${fmt(r.opsPerSecond, 0)} |`,
  );
}

await Promise.allSettled([admin.quit(), redis.quit()]);
await server.stop();
