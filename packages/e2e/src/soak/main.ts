// `npm run soak [-- --cycles=N --messages=M]` (a benchmark, not a test; issue 13 item 9): 50,000
// connect/disconnect cycles and 1,000,000 messages through the embedded server, with its RSS and
// event-loop delay sampled after a warm-up, after each load and after a rest. Figures go in
// docs/performance.md ("Soak"). Listener-leak warnings in the server's output are counted.
import { parseArgs } from 'node:util';
import { findFreeClusterPort } from '@switchboard/cli';
import { signToken } from '@switchboard/runtime';
import { createTestDatabase } from '@switchboard/testkit';
import { withTemplateDatabase } from '../template-db.ts';
import { connectCycles, sendMessages } from './load.ts';
import { startSoakServer } from './server.ts';

const { values } = parseArgs({ options: { cycles: { type: 'string' }, messages: { type: 'string' } } });
const cycles = Number(values.cycles ?? 50_000);
const messages = Number(values.messages ?? 1_000_000);
const SECRET = 'soak-secret-0123456789';
const token = (prefix: string) => (n: number) =>
  signToken(SECRET, `${prefix}-${n % 500}`, { name: `${prefix} ${n % 500}` });
const rest = (ms: number) => new Promise((r) => setTimeout(r, ms));

await withTemplateDatabase('soak', async () => {
  const database = await createTestDatabase('soak');
  const server = await startSoakServer(await findFreeClusterPort(1), database.url, {
    JWT_SECRET: SECRET,
    RATE_LIMIT_WRITE: '100000000',
    HANDSHAKE_LIMIT_PER_IP: '100000000',
  });
  const samples: Record<string, unknown> = {};
  const timings: Record<string, number> = {};
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    timings[name] = Math.round((performance.now() - started) / 100) / 10;
    samples[name] = await server.sample();
    process.stderr.write(
      `${name}: ${JSON.stringify({ result, seconds: timings[name], ...(samples[name] as object) })}\n`,
    );
    return result;
  };
  try {
    samples.start = await server.sample();
    await phase('warm-up', async () => {
      await connectCycles(server.url, token('warm'), Math.min(1000, cycles));
      return sendMessages(server.url, token('warm-sender'), Math.min(10_000, messages));
    });
    const connects = await phase('connect/disconnect', () => connectCycles(server.url, token('cycle'), cycles));
    const sends = await phase('messages', () => sendMessages(server.url, token('sender'), messages));
    await phase('rest 10 s', () => rest(10_000));
    const leakWarnings = (server.output().match(/MaxListenersExceededWarning/g) ?? []).length;
    const report = { cycles: connects, messages: sends, seconds: timings, samples, leakWarnings };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await server.stop();
    await database.drop();
  }
});
