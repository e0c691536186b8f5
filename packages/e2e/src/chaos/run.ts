// One chaos round: a cluster (two gateways, two messaging replicas) on a private Redis and its
// own database, steady chat load through nginx, a random fault every few seconds for `seconds`,
// then the checks. Returns the report; never leaves a process running.
import { createTestDatabase, freePort, privateRedis } from '@switchboard/testkit';
import { startCluster } from '../cluster-harness.ts';
import { checkDelivery, type DeliveryReport } from './check.ts';
import { type FaultCounts, injectFault } from './faults.ts';
import { startChatLoad } from './load.ts';

export interface ChaosOptions {
  seconds: number;
  /** Pause between faults. */
  faultEveryMs?: number;
  seed?: number;
}

export interface ChaosReport extends DeliveryReport {
  seconds: number;
  seed: number;
  processKills: number;
  postgresTerminations: number;
  redisRestarts: number;
  faults: string[];
}

/** mulberry32: a seeded generator, so a failing round can be replayed with its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runChaos({
  seconds,
  faultEveryMs = 3000,
  seed = Date.now() % 1_000_000,
}: ChaosOptions): Promise<ChaosReport> {
  const random = seeded(seed);
  const redis = privateRedis(await freePort());
  await redis.start();
  const database = await createTestDatabase('chaos');
  // A cluster that fails to start must not leave the private Redis running: its child process
  // would keep this test's process alive until the suite's time cap.
  const cluster = await startCluster({
    gateways: 2,
    replicas: { messaging: 2 },
    env: {
      REDIS_URL: redis.url,
      DATABASE_URL: database.url,
      RATE_LIMIT_WRITE: '100000',
      PRESENCE_OFFLINE_AFTER_MS: '9000',
    },
  }).catch(async (error: unknown) => {
    await redis.kill();
    await database.drop().catch(() => undefined);
    throw error;
  });
  const counts: FaultCounts = { processKills: 0, postgresTerminations: 0, redisRestarts: 0, log: [] };
  const load = await startChatLoad(cluster.url, cluster.jwtSecret);
  try {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      await sleep(faultEveryMs);
      await injectFault({ cluster, redis, db: database.db, random }, counts);
    }
    await redis.start(); // in case the round ended inside a Redis restart
    await load.stop();
    const report = await checkDelivery(load);
    return {
      seconds,
      seed,
      processKills: counts.processKills,
      postgresTerminations: counts.postgresTerminations,
      redisRestarts: counts.redisRestarts,
      faults: counts.log,
      ...report,
    };
  } finally {
    load.close();
    await redis.start().catch(() => undefined);
    await cluster.stop();
    await redis.kill();
    await database.drop().catch(() => undefined);
  }
}
