// Memory a gateway holds per idle socket, against a plain Socket.IO server measured the same way.
//
//   npm run -s build && npx tsx services/gateway/bench/idle-memory.ts [--n=3000] [--server=switchboard|plain|both] [--snapshot=/tmp/dir] [--node-options='--max-semi-space-size=4'] [--profile=/tmp/dir]
//
// Without `--conditions=@switchboard/source` the packages resolve to their compiled dist, as in the
// cluster (under tsx every function gets a `name` property from esbuild's keepNames, ≈ 0.4 KiB a socket
// that compiled code does not have).
// The server runs in a child process of its own (so the clients' objects are not counted), with
// --expose-gc: heap used and RSS are read after full collections, with 0 sockets and with N idle
// authenticated WebSocket clients. The gateway is the real one (startGateway) with a pino logger at
// `info` into /dev/null, as in production, over a MemoryBus whose stand-ins answer `session:open`
// with no rooms and drop the followers' sends (a benchmark of the gateway, not of the services).
// It also prints the server process's CPU per connect over the burst (gateway work only: no nginx,
// no Redis adapter or bus).
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import v8 from 'node:v8';
import { handleStandIns, MemoryBus } from '@switchboard/bus';
import { createMemoryRateLimiter, startGateway } from '@switchboard/gateway';
import { BaseConfigSchema, createLogger, createMetrics, createTokenVerifier, signToken } from '@switchboard/runtime';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';

const SECRET = 'idle-memory-bench-secret';
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v = 'true'] = a.replace(/^--/, '').split('=');
    return [k!, v];
  }),
);

type ServerKind = 'switchboard' | 'plain';
interface Sample {
  heapUsedKb: number;
  rssKb: number;
  externalKb: number;
  sockets: number;
  /** utime+stime of the server process so far. */
  cpuMs: number;
}
type ToChild = { type: 'measure'; snapshot?: string } | { type: 'exit' };
type ToParent = { type: 'ready'; port: number } | { type: 'sample'; sample: Sample };

async function startServer(kind: ServerKind): Promise<{ port: number; sockets: () => number }> {
  const httpServer = http.createServer();
  let sockets: () => number;
  if (kind === 'plain') {
    const verifier = createTokenVerifier({ secret: SECRET });
    const io = new Server(httpServer);
    io.use((socket, next) => {
      try {
        socket.data.userId = verifier.verify(socket.handshake.auth?.token).userId;
        next();
      } catch (error) {
        next(error as Error);
      }
    });
    sockets = () => io.of('/').sockets.size;
  } else {
    const config = BaseConfigSchema.parse({ JWT_SECRET: SECRET, LOG_LEVEL: 'info', HANDSHAKE_LIMIT_PER_IP: '1000000' });
    const bus = new MemoryBus({ timeoutMs: config.BUS_TIMEOUT_MS });
    const drop = async () => ({});
    await handleStandIns(bus, {
      messaging: { 'session:open': async () => ({ rooms: [] }) },
      presence: { 'session:open': drop, 'session:close': drop, 'gateway:heartbeat': drop, 'presence:activity': drop },
      'call-signaling': { 'session:open': drop, 'session:close': drop },
      notification: { 'session:open': drop, 'session:close': drop },
    });
    const log = createLogger({
      service: 'gateway',
      level: 'info',
      format: 'json',
      destination: fs.createWriteStream('/dev/null'),
    });
    const gateway = await startGateway({
      config,
      log,
      metrics: createMetrics('gateway'),
      bus,
      verifier: createTokenVerifier({ secret: SECRET }),
      httpServer,
      gatewayId: 'gw-bench',
      rateLimiter: createMemoryRateLimiter(),
    });
    sockets = () => gateway.io.of('/').sockets.size;
  }
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return { port: (httpServer.address() as AddressInfo).port, sockets };
}

async function serverMain(kind: ServerKind): Promise<void> {
  const { port, sockets } = await startServer(kind);
  const gc = globalThis.gc;
  if (!gc) throw new Error('run the server with --expose-gc');
  // --profile=DIR: a CPU profile of the connect burst (between the two samples), DIR/<kind>.cpuprofile.
  const profileDir = process.env.IDLE_MEMORY_PROFILE;
  const session = profileDir ? new inspector.Session() : undefined;
  session?.connect();
  let profiling = false;
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session?.post(method, (err, result) => (err ? reject(err) : resolve(result))),
    );
  process.on('message', async (message: ToChild) => {
    if (message.type === 'exit') process.exit(0);
    if (session && profiling) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      fs.writeFileSync(path.join(profileDir!, `${kind}.cpuprofile`), JSON.stringify(profile));
    }
    for (let i = 0; i < 4; i += 1) {
      gc();
      await new Promise((r) => setTimeout(r, 50));
    }
    if (message.snapshot) v8.writeHeapSnapshot(message.snapshot);
    const usage = process.memoryUsage();
    const cpu = process.cpuUsage();
    const sample: Sample = {
      heapUsedKb: Math.round(usage.heapUsed / 1024),
      rssKb: Math.round(usage.rss / 1024),
      externalKb: Math.round((usage.external + usage.arrayBuffers) / 1024),
      sockets: sockets(),
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    if (session && !profiling) {
      profiling = true;
      await post('Profiler.enable');
      await post('Profiler.start');
    }
    process.send?.({ type: 'sample', sample } satisfies ToParent);
  });
  process.send?.({ type: 'ready', port } satisfies ToParent);
}

async function measure(kind: ServerKind, n: number, snapshotDir: string | undefined) {
  const child = fork(import.meta.filename, [`--role=server`, `--server=${kind}`], {
    execArgv: [...process.execArgv, '--expose-gc'],
    // NODE_OPTIONS, not execArgv: V8 flags after tsx's loader flags are refused.
    env: {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${args.get('node-options') ?? ''}`.trim(),
      IDLE_MEMORY_PROFILE: args.get('profile') ?? '',
    },
  });
  const next = () => new Promise<ToParent>((resolve) => child.once('message', (m: ToParent) => resolve(m)));
  const ready = await next();
  if (ready.type !== 'ready') throw new Error('server did not start');
  const url = `http://127.0.0.1:${ready.port}`;
  const sample = async (tag: string) => {
    const snapshot = snapshotDir ? path.join(snapshotDir, `${kind}-${tag}.heapsnapshot`) : undefined;
    const reply = next();
    child.send({ type: 'measure', snapshot } satisfies ToChild);
    const m = await reply;
    if (m.type !== 'sample') throw new Error('no sample');
    return m.sample;
  };
  // Warm-up: JIT, pools and lazily built objects are not per-socket costs.
  const warm = await openMany(url, 50, 'warm');
  for (const s of warm) s.close();
  await new Promise((r) => setTimeout(r, 500));
  const before = await sample('0');
  const clients = await openMany(url, n, 'idle');
  await new Promise((r) => setTimeout(r, 1000));
  const after = await sample(String(n));
  for (const s of clients) s.close();
  child.send({ type: 'exit' } satisfies ToChild);
  const per = (key: keyof Sample) =>
    Math.round(((after[key] - before[key]) / (after.sockets - before.sockets)) * 100) / 100;
  return {
    kind,
    sockets: after.sockets,
    heapKbPerSocket: per('heapUsedKb'),
    rssKbPerSocket: per('rssKb'),
    // The collections of the first sample are in `before`; those of the second add ≈ the same.
    cpuMsPerConnect: per('cpuMs'),
    externalKbPerSocket: per('externalKb'),
    before,
    after,
  };
}

async function openMany(url: string, n: number, tag: string): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const inFlight = 100;
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const socket = connectClient(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { token: signToken(SECRET, `u-${tag}-${i}`) },
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      sockets.push(socket);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, one));
  return sockets;
}

if (args.get('role') === 'server') {
  await serverMain(args.get('server') as ServerKind);
} else {
  const n = Number(args.get('n') ?? 3000);
  const which = args.get('server') ?? 'both';
  const snapshotDir = args.get('snapshot');
  if (snapshotDir) fs.mkdirSync(snapshotDir, { recursive: true });
  const kinds: ServerKind[] = which === 'both' ? ['plain', 'switchboard'] : [which as ServerKind];
  for (const kind of kinds) {
    const r = await measure(kind, n, snapshotDir);
    console.log(
      `${r.kind}: ${r.sockets} sockets; per socket heap ${r.heapKbPerSocket} KiB, RSS ${r.rssKbPerSocket} KiB, external ${r.externalKbPerSocket} KiB; server CPU ${r.cpuMsPerConnect} ms per connect (heap ${r.before.heapUsedKb} → ${r.after.heapUsedKb} KiB, RSS ${r.before.rssKb} → ${r.after.rssKb} KiB)`,
    );
  }
  process.exit(0);
}
