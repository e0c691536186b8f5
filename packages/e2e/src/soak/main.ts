// `npm run soak [-- --cycles=N --messages=M --concurrency=C --threshold-mib=T]` (a benchmark, not
// a test; issue 13 item 9): 50,000 connect/disconnect cycles and 1,000,000 messages through the
// embedded server in two passes of half each, so that what the second pass leaves on the heap
// can be told from what the first grew into. After the warm-up and after each phase of each pass
// the server is collected (full GC through its inspector) and measured; the verdict compares pass
// 2's checkpoints with pass 1's. Figures go in docs/performance.md ("Soak"). Exits 1 on growth
// beyond the threshold, on any MaxListenersExceededWarning, or on any failed cycle or send.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { findFreeClusterPort } from '@switchboard/cli';
import { signToken } from '@switchboard/runtime';
import { createTestDatabase } from '@switchboard/testkit';
import { withTemplateDatabase } from '../template-db.ts';
import { connectCycles, sendMessages } from './load.ts';
import { type Checkpoint, checkpointTable, verdictText } from './report.ts';
import { startSoakServer } from './server.ts';
import { DEFAULT_THRESHOLD_BYTES, judge, type Pass } from './verdict.ts';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string' },
    messages: { type: 'string' },
    concurrency: { type: 'string' },
    'threshold-mib': { type: 'string' },
  },
});
const cycles = Number(values.cycles ?? 50_000);
const messages = Number(values.messages ?? 1_000_000);
const concurrency = Number(values.concurrency ?? 50);
const thresholdBytes = values['threshold-mib']
  ? Number(values['threshold-mib']) * 1024 * 1024
  : DEFAULT_THRESHOLD_BYTES;
const SECRET = 'soak-secret-0123456789';
// The same 500 users (and the same 8 senders) in both passes: per-user state is made once.
const token = (prefix: string) => (n: number) =>
  signToken(SECRET, `${prefix}-${n % 500}`, { name: `${prefix} ${n % 500}` });
const rest = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;
const note = (pass: string, done: number, what: string) =>
  process.stderr.write(`${new Date().toISOString()} ${pass}: ${done} ${what}, load ${os.loadavg()[0]!.toFixed(1)}\n`);
const round1 = (n: number) => Math.round(n * 10) / 10;

await withTemplateDatabase('soak', async () => {
  const database = await createTestDatabase('soak');
  const server = await startSoakServer(await findFreeClusterPort(1), database.url, {
    JWT_SECRET: SECRET,
    RATE_LIMIT_WRITE: '100000000',
    HANDSHAKE_LIMIT_PER_IP: '100000000',
  });
  process.stderr.write(`server pid ${server.pid}, its output in ${server.logPath}\n`);
  const checkpoints: Checkpoint[] = [];
  const checkpoint = async (name: string, work: () => Promise<{ failed: number } | undefined>): Promise<Checkpoint> => {
    const serverCpu = await server.cpuSeconds();
    const driverCpu = process.cpuUsage();
    const started = performance.now();
    const result = await work();
    const seconds = round1((performance.now() - started) / 1000);
    const c: Checkpoint = {
      name,
      failed: result?.failed,
      seconds,
      serverCpuSeconds: round1((await server.cpuSeconds()) - serverCpu),
      driverCpuSeconds: round1(cpuSeconds(process.cpuUsage(driverCpu))),
      load1: os.loadavg()[0]!,
      loop: await server.loop(),
      memory: await server.memory(),
    };
    // The collection's own pause is not the next phase's event-loop delay: a scrape resets it.
    await server.loop();
    checkpoints.push(c);
    process.stderr.write(`${name}: ${JSON.stringify(c)}\n`);
    return c;
  };
  const pass = async (n: number, passCycles: number, passMessages: number): Promise<Pass> => {
    const cycled = await checkpoint(`pass ${n}: ${passCycles} connect/disconnect cycles`, () =>
      connectCycles(server.url, token('cycle'), passCycles, concurrency, (done) => note(`pass ${n}`, done, 'cycles')),
    );
    const sent = await checkpoint(`pass ${n}: ${passMessages} messages`, () =>
      sendMessages(server.url, token('sender'), passMessages, 8, 100, (done) => note(`pass ${n}`, done, 'messages')),
    );
    const rested = await checkpoint(`pass ${n}: 10 s rest`, async () => {
      await rest(10_000);
      return undefined;
    });
    return { checkpoints: { 'connect/disconnect': cycled.memory, messages: sent.memory, rest: rested.memory } };
  };
  try {
    await checkpoint('start', async () => undefined);
    await checkpoint('warm-up (1,000 cycles, 10,000 messages)', async () => {
      const cycled = await connectCycles(server.url, token('warm'), Math.min(1000, cycles), concurrency);
      const sent = await sendMessages(server.url, token('warm-sender'), Math.min(10_000, messages));
      return { failed: cycled.failed + sent.failed };
    });
    const half = (n: number) => Math.floor(n / 2);
    const first = await pass(1, half(cycles), half(messages));
    const second = await pass(2, cycles - half(cycles), messages - half(messages));
    const lines = server.lineCounts();
    const leakWarnings = lines.maxListenersExceeded;
    const failed = checkpoints.reduce((n, c) => n + (c.failed ?? 0), 0);
    const verdict = judge(first, second, leakWarnings, thresholdBytes);
    process.stdout.write(
      `${JSON.stringify({ cycles, messages, concurrency, checkpoints, lines, verdict }, null, 2)}\n`,
    );
    process.stdout.write(
      `\n${checkpointTable(checkpoints)}\n\nlistener-leak warnings: ${leakWarnings}; failed cycles and sends: ${failed}; server log warnings ${lines.logWarnings}, errors ${lines.logErrors} (${server.logPath})\n`,
    );
    process.stdout.write(`${verdictText(verdict)}\n`);
    // Failures are not growth, but a soak whose work failed did not do the work it reports.
    process.exitCode = verdict.noGrowth && failed === 0 ? 0 : 1;
  } finally {
    await server.stop();
    await database.drop();
  }
});
