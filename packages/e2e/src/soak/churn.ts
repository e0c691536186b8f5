// `npx tsx --conditions=@switchboard/source packages/e2e/src/soak/churn.ts [--cycles=10000
// --concurrency=300 --max-opening-sessions=N]` (a benchmark, not a test; build first): clients
// that connect and leave at once, faster than the services open sessions, against the compiled
// embedded server, then the server's post-GC heap — the backlog MAX_OPENING_SESSIONS bounds.
import { parseArgs } from 'node:util';
import { findFreeClusterPort } from '@switchboard/cli';
import { signToken } from '@switchboard/runtime';
import { createTestDatabase } from '@switchboard/testkit';
import { io } from 'socket.io-client';
import { withTemplateDatabase } from '../template-db.ts';
import { mib } from './memory.ts';
import { startSoakServer } from './server.ts';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string' },
    concurrency: { type: 'string' },
    'max-opening-sessions': { type: 'string' },
  },
});
const cycles = Number(values.cycles ?? 10_000);
const concurrency = Number(values.concurrency ?? 300);
const limit = values['max-opening-sessions'];
const SECRET = 'soak-secret-0123456789';

/** Connect, leave at the transport's `connect` (before the session is open); a refusal waits 50 ms. */
function cycle(url: string, n: number): Promise<'left' | 'refused'> {
  const token = signToken(SECRET, `churn-${n % 500}`, { name: 'churn' });
  return new Promise((resolve) => {
    const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect', () => {
      socket.disconnect();
      resolve('left');
    });
    socket.once('connect_error', () => {
      socket.close();
      setTimeout(() => resolve('refused'), 50);
    });
  });
}

await withTemplateDatabase('soak', async () => {
  const database = await createTestDatabase('soak');
  const server = await startSoakServer(await findFreeClusterPort(1), database.url, {
    JWT_SECRET: SECRET,
    HANDSHAKE_LIMIT_PER_IP: '100000000',
    ...(limit ? { MAX_OPENING_SESSIONS: limit } : {}),
  });
  try {
    let next = 0;
    let refused = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < cycles) if ((await cycle(server.url, next++)) === 'refused') refused += 1;
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const memory = await server.memory();
    const report = {
      cycles,
      concurrency,
      maxOpeningSessions: limit ?? 'default',
      seconds,
      refused,
      heapAfterGcMiB: mib(memory.heapUsedBytes),
      rssMiB: mib(memory.rssBytes),
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await server.stop();
    await database.drop();
  }
});
