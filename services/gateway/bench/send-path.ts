// Send-path measurement (not a test): one real gateway on a RedisBus with the Redis rate limiter,
// a stand-in messaging service on the same bus, socket.io-clients sending `message:send` with
// acks, against a private redis-server (so INFO commandstats counts only this run). Reports, per
// send: the commands the gateway's connection sends, Redis' commandstats (commands inside
// scripts included), redis-server CPU, this process's CPU (gateway + stand-in +
// clients), and the gateway hop "request received → bus XADD done" (HOP_TRACE every message).
// Run: `npx tsx --conditions=@switchboard/source services/gateway/bench/send-path.ts`
// (SENDS=3000 CLIENTS=10). Prints one JSON line. Figures: the sendpath report (docs/performance.md).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleStandIns, RedisBus } from '@switchboard/bus';
import {
  BaseConfigSchema,
  createLogger,
  createMetrics,
  createRedis,
  createTokenVerifier,
  signToken,
} from '@switchboard/runtime';
import { freePort, privateRedis, recordCommands } from '@switchboard/testkit';
import { io as connectClient, type Socket } from 'socket.io-client';
import { startGateway } from '../src/gateway.ts';
import { failOpen } from '../src/rate-limit-fail-open.ts';
import { createRedisRateLimiter } from '../src/rate-limit-redis.ts';

const SENDS = Number(process.env.SENDS ?? 3000);
const CLIENTS = Number(process.env.CLIENTS ?? 10);
const WARMUP = 200;
const SECRET = 'send-path-secret';
const prefix = 'sendpath:';
const log = createLogger({ service: 'send-path', level: 'silent' });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

function statsOf(info: string, field: 'calls'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [, name, value] of info.matchAll(new RegExp(`cmdstat_([a-z|]+):${field}=(\\d+)`, 'g')))
    out[name!] = Number(value);
  return out;
}
const redisCpuSeconds = (info: string) =>
  Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]);

async function main() {
  const server = privateRedis(await freePort());
  await server.start();
  const conn = (name: string) => createRedis(server.url, log, name);
  const admin = conn('admin');
  const config = BaseConfigSchema.parse({
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_WRITE: '100000000',
    HOP_TRACE_EVERY: '1',
  });
  const messaging = new RedisBus({ redis: conn('m'), subscriber: conn('m-sub'), prefix, consumer: 'messaging', log });
  let seq = 0;
  await handleStandIns(messaging, {
    messaging: {
      'session:open': async () => ({ rooms: [] }),
      'message:send': async (payload, ctx) => ({
        message: {
          id: `m${++seq}`,
          roomId: payload.roomId,
          seq,
          senderId: ctx.userId,
          content: payload.content,
          createdAt: new Date().toISOString(),
        },
      }),
    },
  });
  const gwRedis = conn('gw');
  const metrics = createMetrics('gateway', { hopTraceEvery: 1 });
  const bus = new RedisBus({ redis: gwRedis, subscriber: conn('gw-sub'), prefix, consumer: 'gw', log, metrics });
  const httpServer = http.createServer();
  const gateway = await startGateway({
    config,
    log,
    metrics,
    bus,
    verifier: createTokenVerifier({ secret: SECRET }),
    httpServer,
    gatewayId: 'gw',
    rateLimiter: failOpen(createRedisRateLimiter(gwRedis, prefix), log),
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const clients: Socket[] = [];
  for (let c = 0; c < CLIENTS; c++) {
    const socket = connectClient(url, {
      auth: { token: signToken(SECRET, `u${c}`) },
      transports: ['websocket'],
      forceNew: true,
    });
    await new Promise((resolve) => socket.once('connected', resolve));
    clients.push(socket);
  }
  let sent = 0;
  const send = (socket: Socket, key: string) =>
    new Promise<void>((resolve, reject) =>
      socket.emit('message:send', { roomId: `r${key}`, content: 'hello', clientMessageId: key }, (ack: unknown) =>
        (ack as { success?: boolean }).success ? resolve() : reject(new Error(JSON.stringify(ack))),
      ),
    );
  const phase = async (count: number, label: string) => {
    const perClient = Math.ceil(count / CLIENTS);
    await Promise.all(
      clients.map(async (socket, c) => {
        for (let i = 0; i < perClient; i++) await send(socket, `${label}-${c}-${i}-${++sent}`);
      }),
    );
    return perClient * CLIENTS;
  };

  await phase(WARMUP, 'warm');
  const gatewayCommands = recordCommands(gwRedis, '');
  await admin.config('RESETSTAT');
  const redisBefore = redisCpuSeconds(await admin.info('cpu'));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const sends = await phase(SENDS, 'run');
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const redisCpu = redisCpuSeconds(await admin.info('cpu')) - redisBefore;
  const calls = statsOf(await admin.info('commandstats'), 'calls');
  delete calls.config;
  delete calls.info;

  const byKey = new Map<string, Record<string, number>>();
  for (const mark of metrics.hops.marks()) {
    if (!mark.key.startsWith('run-')) continue;
    const hops = byKey.get(mark.key) ?? {};
    hops[mark.hop] = mark.at;
    byKey.set(mark.key, hops);
  }
  const toXadd: number[] = [];
  const toAck: number[] = [];
  for (const hops of byKey.values()) {
    const received = hops['request received'];
    if (received === undefined) continue;
    if (hops['bus XADD done'] !== undefined) toXadd.push(hops['bus XADD done'] - received);
    if (hops['ack sent'] !== undefined) toAck.push(hops['ack sent'] - received);
  }
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  const fromGateway: Record<string, number> = {};
  for (const name of gatewayCommands) fromGateway[name] = (fromGateway[name] ?? 0) + 1;
  console.log(
    JSON.stringify({
      sends,
      clients: CLIENTS,
      wallMs: Math.round(wallMs),
      gatewayCommandsPerSend: Object.fromEntries(
        Object.entries(fromGateway).map(([name, n]) => [name, round(n / sends, 2)]),
      ),
      redisCommandsPerSend: round(total / sends, 2),
      serverCommandStatsPerSend: Object.fromEntries(
        Object.entries(calls).map(([name, n]) => [name, round(n / sends, 2)]),
      ),
      processCpuMsPer1000: round(((cpu.user + cpu.system) / 1000 / sends) * 1000, 1),
      redisCpuMsPer1000: round((redisCpu * 1000 * 1000) / sends, 1),
      hopReceivedToXaddMs: { median: round(median(toXadd)), samples: toXadd.length },
      hopReceivedToAckMs: { median: round(median(toAck)), samples: toAck.length },
    }),
  );
  for (const socket of clients) socket.disconnect();
  await gateway.close();
  httpServer.closeAllConnections();
  await new Promise((resolve) => httpServer.close(resolve));
  await bus.close();
  await messaging.close();
  for (const c of [admin, gwRedis]) c.disconnect();
  await server.kill();
  process.exit(0);
}

await main();
