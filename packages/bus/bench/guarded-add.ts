// Guarded-add measurement (not a test): the cost of admitting and adding one command, main's way
// before the count guard (a rate-limit EVAL with its script text, raced against a fail-open timer,
// then XADD: two round trips) against the guard (one EVALSHA that counts and adds). One process,
// a private redis-server, alternating rounds; prints per 1,000 adds this process's CPU (the
// gateway's side of it), redis-server's CPU and wall time. Run:
// `npx tsx --conditions=@switchboard/source packages/bus/bench/guarded-add.ts` (N=20000 CONCURRENCY=10;
// CONCURRENCY=1 shows the round trip itself, 10 lets auto-pipelining batch).
import { readFileSync } from 'node:fs';
import { createLogger, createRedis } from '@switchboard/runtime';
import { freePort, privateRedis } from '@switchboard/testkit';
import { addEntry } from '../src/stream-add.ts';

const N = Number(process.env.N ?? 20_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10);
const FAIL_OPEN_MS = 250;
const log = createLogger({ service: 'guarded-add', level: 'silent' });
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;
// A message:send entry as the gateway encodes it.
const fields = [
  ...['id', '7d3f0c2e-5b1a-4c7e-9d7a-0f6b2e1c9a44', 'command', 'message:send'],
  ...['payload', '{"roomId":"r1","content":"hello","clientMessageId":"c-1"}'],
  ...['ctx', '{"userId":"u1","name":"Ada","role":"user","requestId":"q-1","socketId":"s-1","gatewayId":"gw"}'],
  ...['deadline', '1764620000000', 'replyTo', 'sb:bus:reply:gw'],
];
const stream = 'sb:bus:cmd:messaging:0';

const server = privateRedis(await freePort());
await server.start();
const redis = createRedis(server.url, log, 'guarded-add');
const admin = createRedis(server.url, log, 'admin');

async function withinLimitFailOpen(key: string): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(0), FAIL_OPEN_MS)));
  try {
    return Number(await Promise.race([redis.eval(HIT, 1, key, '10000'), late])) <= 1e9;
  } finally {
    clearTimeout(timer);
  }
}

const paths = {
  main: async (i: number) => {
    if (await withinLimitFailOpen(`sb:ratelimit:u${i % 50}:write:1`))
      await redis.xadd(stream, 'MAXLEN', '~', 100_000, '*', ...fields);
  },
  guarded: async (i: number) => {
    const guard = { key: `sb:ratelimit:u${i % 50}:write:1`, limit: 1e9, windowMs: 10_000 };
    await addEntry(redis, stream, fields, 100_000, guard);
  },
};

async function redisCpuSeconds(): Promise<number> {
  const info = await admin.info('cpu');
  return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]);
}

async function run(name: keyof typeof paths) {
  let next = 0;
  const redisBefore = await redisCpuSeconds();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    while (next < N) await paths[name](next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const redisCpu = (await redisCpuSeconds()) - redisBefore;
  await redis.del(stream);
  const per1000 = (ms: number) => Math.round((ms / N) * 1000 * 10) / 10;
  return {
    name,
    processCpuMsPer1000: per1000((cpu.user + cpu.system) / 1000),
    redisCpuMsPer1000: per1000(redisCpu * 1000),
    wallMsPer1000: per1000(wallMs),
  };
}

await run('main');
await run('guarded'); // warm-up: JIT, script cache
for (let round = 1; round <= 4; round++) {
  const order = round % 2 ? (['main', 'guarded'] as const) : (['guarded', 'main'] as const);
  for (const name of order) {
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(JSON.stringify({ round, concurrency: CONCURRENCY, load, ...(await run(name)) }));
  }
}
redis.disconnect();
admin.disconnect();
await server.kill();
