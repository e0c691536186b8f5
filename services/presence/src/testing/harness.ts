import crypto from 'node:crypto';
import http from 'node:http';
import { handleStandIns, MemoryBus, type StandIns, untypedBus } from '@switchboard/bus';
import type { RunningService } from '@switchboard/host';
import type { RequestContext } from '@switchboard/protocol';
import {
  AppError,
  BaseConfigSchema,
  createHttpApp,
  createMetrics,
  createTokenVerifier,
  finishHttpApp,
  listen,
  type Redis,
  signToken,
} from '@switchboard/runtime';
import {
  createTestDatabase,
  flushPrefix,
  type RecordedEmit,
  RecordingBroadcaster,
  type TestDatabase,
  testLogger,
  testPrefix,
  testRedis,
} from '@switchboard/testkit';
import { start } from '../index.ts';

const SECRET = 'presence-test-secret';

export interface HarnessOptions {
  label: string;
  store: 'memory' | 'redis';
  env?: Record<string, string>;
  /** Reuse one database across harnesses of a file. */
  database?: TestDatabase;
  /** Stand-ins for notification commands presence sends (e.g. `emergency:geofence`). */
  notification?: StandIns['notification'];
  /** Stand-ins for call-signaling commands presence sends (`session:close` of swept sockets). */
  callSignaling?: StandIns['call-signaling'];
}

/**
 * The presence service started for real (MemoryBus, Postgres, Redis when asked) with a stand-in
 * messaging that answers `rooms:ofUser` and `users:sharingRoom` from `rooms`, and its REST router
 * on a port-0 server.
 */
export async function startHarness({ label, store, env = {}, database, notification, callSignaling }: HarnessOptions) {
  const prefix = testPrefix(label);
  const redis: Redis | undefined = store === 'redis' ? testRedis() : undefined;
  const ownDatabase = !database;
  const testDb = database ?? (await createTestDatabase(label));
  const config = BaseConfigSchema.parse({ REDIS_PREFIX: prefix, ...env });
  const log = testLogger('presence');
  const metrics = createMetrics('presence');
  const bus = new MemoryBus({ timeoutMs: 2000, log });
  const broadcaster = new RecordingBroadcaster();
  const verifier = createTokenVerifier({ secret: SECRET });

  const rooms = new Map<string, string[]>();
  /** `roomsLookups`: the rooms requests presence made (`rooms:ofUser` and `rooms:ofUsers`). */
  const messaging = { up: true, roomsLookups: 0 };
  await handleStandIns(bus, {
    ...(notification ? { notification } : {}),
    ...(callSignaling ? { 'call-signaling': callSignaling } : {}),
    messaging: {
      'rooms:ofUser': async ({ userId }) => {
        messaging.roomsLookups += 1;
        if (!messaging.up) throw new AppError('UNAVAILABLE', 'messaging is down');
        return { roomIds: rooms.get(userId) ?? [] };
      },
      'rooms:ofUsers': async ({ userIds }) => {
        messaging.roomsLookups += 1;
        if (!messaging.up) throw new AppError('UNAVAILABLE', 'messaging is down');
        return { roomIds: Object.fromEntries(userIds.map((id) => [id, rooms.get(id) ?? []])) };
      },
      'users:sharingRoom': async ({ userId, candidates }) => {
        if (!messaging.up) throw new AppError('UNAVAILABLE', 'messaging is down');
        const mine = new Set(rooms.get(userId) ?? []);
        const shares = (id: string) => id !== userId && (rooms.get(id) ?? []).some((r) => mine.has(r));
        return { userIds: [...new Set(candidates)].filter(shares) };
      },
    },
  });

  const service: RunningService = await start({
    config,
    log,
    metrics,
    bus,
    db: testDb.db,
    broadcaster,
    verifier,
    ...(redis ? { redis } : {}),
  });
  const app = createHttpApp({ log, metrics });
  if (service.router) app.use('/api', service.router);
  finishHttpApp(app, log, metrics);
  const server = http.createServer(app);
  const port = await listen(server, 0, '127.0.0.1');

  const ctx = (userId: string, role = 'user'): RequestContext => ({
    userId,
    name: `Name ${userId}`,
    role,
    requestId: crypto.randomUUID(),
  });
  const system: RequestContext = { userId: 'system', name: 'gateway', role: 'system', requestId: 'hb' };

  return {
    config,
    metrics,
    bus,
    redis,
    prefix,
    broadcaster,
    rooms,
    messaging,
    db: testDb.db,
    baseUrl: `http://127.0.0.1:${port}/api`,
    token: (userId: string, role = 'user') => signToken(SECRET, userId, { name: `Name ${userId}`, role }),
    ctx,
    request: <T = unknown>(command: string, payload: unknown, userId: string, role = 'user') =>
      untypedBus(bus).request('presence', command, payload, ctx(userId, role)) as Promise<T>,
    open: (userId: string, socketId: string, gatewayId = 'gw1') =>
      bus.request('presence', 'session:open', { socketId, gatewayId }, ctx(userId)),
    close: (userId: string, socketId: string, gatewayId = 'gw1') =>
      bus.request('presence', 'session:close', { socketId, gatewayId }, ctx(userId)),
    /** A gateway's batch (`sessions:open`/`sessions:close`) of `[userId, socketId]` pairs. */
    batch: (command: 'sessions:open' | 'sessions:close', sockets: [string, string][], gatewayId = 'gw1') =>
      bus.request(
        'presence',
        command,
        {
          gatewayId,
          sessions: sockets.map(([userId, socketId]) => ({ socketId, userId, name: `Name ${userId}`, role: 'user' })),
        },
        system,
      ),
    heartbeat: (gatewayId: string, sockets: { socketId: string; userId: string }[], intervalMs = 100) =>
      bus.request(
        'presence',
        'gateway:heartbeat',
        { gatewayId, socketIds: sockets.map((s) => s.socketId), sockets, intervalMs },
        system,
      ),
    /** Every emit of one event, newest last. */
    events: <T = unknown>(event: RecordedEmit['event']) => broadcaster.all(event) as (RecordedEmit & { data: T })[],
    async stop() {
      server.close();
      await service.close();
      await bus.close();
      if (redis) {
        await flushPrefix(redis, prefix);
        await redis.quit();
      }
      if (ownDatabase) await testDb.drop();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
