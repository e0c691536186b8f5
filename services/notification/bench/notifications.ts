// Notification throughput, in one run on one machine and one database. Not a test: it measures.
// `npm run bench:notification -- [--single 2000] [--subscribers 10000] [--topic-runs 5] [--publish-seconds 5]`
import crypto from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { createDb, type Db } from '@switchboard/db';
import type { Broadcaster } from '@switchboard/runtime';
import { createHttpApp, createMetrics, finishHttpApp, listen } from '@switchboard/runtime';
import { createBenchDatabase, testLogger } from '@switchboard/testkit';
import type { NotificationDeps } from '../src/deps.ts';
import { createNotification } from '../src/inbox/create.ts';
import { backendRoutes } from '../src/routes/backend-routes.ts';

const { values } = parseArgs({
  options: {
    single: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '20' },
    subscribers: { type: 'string', default: '10000' },
    'topic-runs': { type: 'string', default: '5' },
    'naive-rows': { type: 'string', default: '2000' },
    'publish-seconds': { type: 'string', default: '5' },
  },
});
const SINGLE = Number(values.single);
const CONCURRENCY = Number(values.concurrency);
const SUBSCRIBERS = Number(values.subscribers);
const TOPIC_RUNS = Number(values['topic-runs']);
const NAIVE_ROWS = Number(values['naive-rows']);
const PUBLISH_SECONDS = Number(values['publish-seconds']);
const API_KEY = 'bench-api-key';

/** Counts emits; the sockets are not what is measured here. */
function countingBroadcaster(): { broadcaster: Broadcaster; emits: () => number } {
  let emits = 0;
  const target = {
    emit: () => {
      emits += 1;
      return true;
    },
    socketsJoin: () => {},
    socketsLeave: () => {},
    disconnectSockets: () => {},
  };
  return { broadcaster: { to: () => target, in: () => target }, emits: () => emits };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

async function toOneUser(deps: NotificationDeps): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < SINGLE) {
      next += 1;
      await createNotification(deps, { to: { user: 'one-user' }, type: 'bench', title: `n${next}`, body: '' });
    }
  };
  const { ms } = await timed(() => Promise.all(Array.from({ length: CONCURRENCY }, worker)));
  return SINGLE / (ms / 1000);
}

async function toTopic(deps: NotificationDeps, statements: { count: number }) {
  await deps.db.topicSubscription.createMany({
    data: Array.from({ length: SUBSCRIBERS }, (_, i) => ({ userId: `sub-${i}`, topic: 'big' })),
  });
  const runs: { ms: number; statements: number }[] = [];
  for (let i = 0; i < TOPIC_RUNS; i++) {
    const before = statements.count;
    const { ms, value } = await timed(() =>
      createNotification(deps, { to: { topic: 'big' }, type: 'bench', title: `t${i}`, body: '' }),
    );
    if (value.recipients !== SUBSCRIBERS)
      throw new Error(`expected ${SUBSCRIBERS} recipients, got ${value.recipients}`);
    runs.push({ ms, statements: statements.count - before });
  }
  return runs;
}

/** What the shared-row design avoids: one INSERT round trip per subscriber. */
async function naivePerSubscriber(db: Db): Promise<number> {
  const notification = await db.notification.create({
    data: { id: `ntf_naive_${crypto.randomUUID()}`, type: 'bench', title: 'naive', body: '' },
  });
  const { ms } = await timed(async () => {
    for (let i = 0; i < NAIVE_ROWS; i++) {
      await db.notificationRecipient.create({ data: { notificationId: notification.id, userId: `naive-${i}` } });
    }
  });
  return ms / NAIVE_ROWS;
}

async function publishRate(deps: NotificationDeps): Promise<{ perSecond: number; failures: number }> {
  const log = testLogger('bench');
  const metrics = createMetrics('notification');
  const app = createHttpApp({ log, metrics });
  app.use('/api', backendRoutes(deps, API_KEY));
  finishHttpApp(app, log, metrics);
  const server = http.createServer(app);
  const port = await listen(server, 0, '127.0.0.1');
  const body = JSON.stringify({ to: { role: 'staff' }, event: 'queue_refresh', data: { waiting: 7 } });
  const deadline = performance.now() + PUBLISH_SECONDS * 1000;
  let done = 0;
  let failures = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const response = await fetch(`http://127.0.0.1:${port}/api/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body,
      });
      await response.arrayBuffer();
      if (response.status === 202) done += 1;
      else failures += 1;
    }
  };
  const { ms } = await timed(() => Promise.all(Array.from({ length: CONCURRENCY }, worker)));
  server.closeAllConnections();
  server.close();
  return { perSecond: done / (ms / 1000), failures };
}

async function main(): Promise<void> {
  const database = await createBenchDatabase('notify');
  const statements = { count: 0 };
  const db = createDb(database.url, { poolSize: 10, onQuery: () => void (statements.count += 1) });
  try {
    const { broadcaster, emits } = countingBroadcaster();
    const deps: NotificationDeps = { db, broadcaster, log: testLogger('bench') };
    const single = await toOneUser(deps);
    const emitsBefore = emits();
    const topic = await toTopic(deps, statements);
    const topicEmits = (emits() - emitsBefore) / TOPIC_RUNS;
    const naiveMsPerRow = await naivePerSubscriber(db);
    const publish = await publishRate(deps);

    const sorted = topic.map((r) => r.ms).sort((a, b) => a - b);
    console.log(`\nPostgres on localhost, pool 10, concurrency ${CONCURRENCY}\n`);
    console.log('| measure | figure |');
    console.log('|---|---:|');
    console.log(`| notifications/s to one user (${SINGLE}, persisted + pushed) | ${Math.round(single)} |`);
    console.log(
      `| one notification to a ${SUBSCRIBERS}-subscriber topic, median ms | ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} |`,
    );
    console.log(
      `| … subscriber rows written per second | ${Math.round(SUBSCRIBERS / (sorted[Math.floor(sorted.length / 2)]! / 1000))} |`,
    );
    console.log(`| … database statements per topic notification | ${topic[0]!.statements} |`);
    console.log(`| … socket broadcasts per topic notification | ${topicEmits} |`);
    console.log(`| naive: one INSERT per subscriber, ms per row (${NAIVE_ROWS} rows) | ${naiveMsPerRow.toFixed(2)} |`);
    console.log(`| … that is, for ${SUBSCRIBERS} subscribers, ms | ${Math.round(naiveMsPerRow * SUBSCRIBERS)} |`);
    console.log(
      `| POST /api/publish requests/s (${PUBLISH_SECONDS} s, 202s; ${publish.failures} failed) | ${Math.round(publish.perSecond)} |`,
    );
  } finally {
    await db.$disconnect();
    await database.drop();
  }
}

await main();
