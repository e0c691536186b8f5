import crypto from 'node:crypto';
import http from 'node:http';
import { handleStandIns, MemoryBus, untypedBus } from '@switchboard/bus';
import { createDb, type Db } from '@switchboard/db';
import type { RunningService } from '@switchboard/host';
import type { NotificationCreatePayload, RequestContext } from '@switchboard/protocol';
import {
  AppError,
  BaseConfigSchema,
  createHttpApp,
  createMetrics,
  createTokenVerifier,
  finishHttpApp,
  listen,
  signToken,
} from '@switchboard/runtime';
import {
  createTestDatabase,
  type RecordedEmit,
  RecordingBroadcaster,
  type TestDatabase,
  testLogger,
} from '@switchboard/testkit';
import { start } from '../index.ts';

const SECRET = 'calls-test-secret';

export interface HarnessOptions {
  label: string;
  /** call-signaling processes sharing one database, each on its own bus and Db pool (default 1). */
  replicas?: number;
  env?: Record<string, string>;
  /** Reuse one database across harnesses of a file. */
  database?: TestDatabase;
}

/** One call-signaling process of the harness: its bus, its recorded emits. */
export interface Replica {
  bus: MemoryBus;
  broadcaster: RecordingBroadcaster;
  service: RunningService;
  db: Db;
}

/**
 * call-signaling started for real on Postgres, `replicas` times, each with a MemoryBus carrying
 * stand-ins of its neighbours: messaging (rooms from `rooms`), presence (statuses recorded in
 * `statuses`) and notification (`notification:create` payloads recorded in `notifications`).
 * Replica 0's REST router listens on a port-0 server.
 */
export async function startHarness({ label, replicas: count = 1, env = {}, database }: HarnessOptions) {
  const ownDatabase = !database;
  const testDb = database ?? (await createTestDatabase(label));
  const config = BaseConfigSchema.parse({ ...env });
  const rooms = new Map<string, string[]>();
  const statuses = new Map<string, string>();
  const statusLog: { userId: string; status: string }[] = [];
  const notifications: NotificationCreatePayload[] = [];
  const neighbours = { notificationUp: true };

  const replicas: Replica[] = [];
  for (let i = 0; i < count; i++) {
    const log = testLogger(`call-signaling-${i}`);
    const bus = new MemoryBus({ timeoutMs: 3000, log });
    await handleStandIns(bus, {
      messaging: {
        'rooms:ofUser': async ({ userId }) => ({ roomIds: rooms.get(userId) ?? [] }),
        'users:sharingRoom': async ({ userId, candidates }) => {
          const mine = new Set(rooms.get(userId) ?? []);
          const shares = (id: string) => id !== userId && (rooms.get(id) ?? []).some((r) => mine.has(r));
          return { userIds: [...new Set(candidates)].filter(shares) };
        },
      },
      presence: {
        'presence:get': async ({ userIds }) => ({
          presences: userIds.map((userId) => ({
            userId,
            status: (statuses.get(userId) ?? 'online') as 'online',
            lastSeen: new Date().toISOString(),
          })),
        }),
        'presence:setStatus': async ({ status }, ctx) => {
          statuses.set(ctx.userId, status);
          statusLog.push({ userId: ctx.userId, status });
          return {};
        },
      },
      notification: {
        'notification:create': async (payload) => {
          if (!neighbours.notificationUp) throw new AppError('UNAVAILABLE', 'notification is down');
          notifications.push(payload);
          return { recipients: 1, notificationIds: [crypto.randomUUID()] };
        },
      },
    });
    const broadcaster = new RecordingBroadcaster();
    const db = i === 0 ? testDb.db : createDb(testDb.url, { poolSize: 5 });
    const service = await start({
      config,
      log,
      metrics: createMetrics('call-signaling'),
      bus,
      db,
      broadcaster,
      verifier: createTokenVerifier({ secret: SECRET }),
    });
    replicas.push({ bus, broadcaster, service, db });
  }

  const first = replicas[0]!;
  const app = createHttpApp({ log: testLogger('http'), metrics: createMetrics('call-signaling-http') });
  if (first.service.router) app.use('/api', first.service.router);
  finishHttpApp(app, testLogger('http'), createMetrics('call-signaling-http2'));
  const server = http.createServer(app);
  const port = await listen(server, 0, '127.0.0.1');

  const ctx = (userId: string, socketId?: string, role = 'user'): RequestContext => ({
    userId,
    name: `Name ${userId}`,
    role,
    requestId: crypto.randomUUID(),
    ...(socketId ? { socketId, gatewayId: 'gw-test' } : {}),
  });
  /** Every emit of one event on every replica, oldest first per replica. */
  const events = <T = unknown>(event: RecordedEmit['event']) =>
    replicas.flatMap((r) => r.broadcaster.all(event)) as (RecordedEmit & { data: T })[];

  return {
    config,
    db: testDb.db,
    databaseUrl: testDb.url,
    replicas,
    rooms,
    statuses,
    statusLog,
    notifications,
    neighbours,
    baseUrl: `http://127.0.0.1:${port}/api`,
    token: (userId: string) => signToken(SECRET, userId, { name: `Name ${userId}` }),
    ctx,
    /** A request as a user (optionally from a socket), through replica `on` (default 0). */
    request: <T = unknown>(
      command: string,
      payload: unknown,
      userId: string,
      options: { socketId?: string; role?: string; on?: number } = {},
    ) =>
      untypedBus(replicas[options.on ?? 0]!.bus).request(
        'call-signaling',
        command,
        payload,
        ctx(userId, options.socketId, options.role),
      ) as Promise<T>,
    /** Users sharing a room (the stand-in messaging's memberships). */
    share(roomId: string, ...userIds: string[]) {
      for (const id of userIds) rooms.set(id, [...(rooms.get(id) ?? []), roomId]);
    },
    events,
    clearEvents: () => {
      for (const r of replicas) r.broadcaster.clear();
    },
    async stop() {
      server.close();
      for (const r of replicas) {
        await r.service.close();
        await r.bus.close();
        if (r.db !== testDb.db) await r.db.$disconnect();
      }
      if (ownDatabase) await testDb.drop();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
