import crypto from 'node:crypto';
import http from 'node:http';
import { handleStandIns, MemoryBus, untypedBus } from '@switchboard/bus';
import type { NotificationCreatePayload, OwnedRoom, RequestContext } from '@switchboard/protocol';
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
import { createTestDatabase, RecordingBroadcaster, type TestDatabase, testLogger } from '@switchboard/testkit';
import { type Emergencies, startEmergencies } from '../index.ts';

const SECRET = 'alerts-test-secret';

export interface AlertsHarnessOptions {
  label: string;
  /** `EMERGENCY_ESCALATION` (default: steps far in the future, so nothing escalates by itself). */
  escalation?: string;
  /** Emergency instances sharing the database, like notification replicas (default 1). */
  replicas?: number;
  webhooks?: boolean;
  database?: TestDatabase;
}

export interface Who {
  role?: string;
  phone?: string;
  socketId?: string;
}

/**
 * The emergency feature started for real (MemoryBus, Postgres, a recording broadcaster) with
 * stand-ins for messaging's `rooms:ownedWithContacts` (from `rooms`), presence's `presence:get`
 * (from `online`) and the inbox's `notification:create` (recorded), and its REST router on a
 * port-0 server. With `replicas`, every instance runs its own escalation worker on the same table.
 */
export async function startAlertsHarness(options: AlertsHarnessOptions) {
  const database = options.database ?? (await createTestDatabase(options.label));
  const config = BaseConfigSchema.parse({
    EMERGENCY_ESCALATION: options.escalation ?? '3600000:supervisor,7200000:admin',
    ...(options.webhooks ? { WEBHOOK_URL: 'http://127.0.0.1:9/hook' } : {}),
  });
  const log = testLogger('alerts');
  const metrics = createMetrics('notification');
  const bus = new MemoryBus({ timeoutMs: 5000, log });
  const broadcaster = new RecordingBroadcaster();
  const verifier = createTokenVerifier({ secret: SECRET });
  const rooms = new Map<string, OwnedRoom[]>();
  const online = new Set<string>();
  const created: NotificationCreatePayload[] = [];
  const messaging = { up: true };

  const instances: Emergencies[] = [];
  for (let i = 0; i < (options.replicas ?? 1); i++) {
    instances.push(
      startEmergencies({ config, log, metrics, bus, verifier, db: database.db, broadcaster }, { pollMs: 25 }),
    );
  }
  const first = instances[0]!;
  await handleStandIns(bus, {
    notification: {
      ...first.handlers,
      'notification:create': async (payload) => {
        created.push(payload);
        return { recipients: 1, notificationIds: [] };
      },
    },
    messaging: {
      'rooms:ownedWithContacts': async ({ userId }) => {
        if (!messaging.up) throw new AppError('UNAVAILABLE', 'messaging is down');
        return { rooms: rooms.get(userId) ?? [] };
      },
    },
    presence: {
      'presence:get': async ({ userIds }) => ({
        presences: userIds
          .filter((id) => online.has(id))
          .map((userId) => ({ userId, status: 'online' as const, lastSeen: new Date().toISOString() })),
      }),
    },
  });

  const app = createHttpApp({ log, metrics });
  app.use('/api', first.router);
  finishHttpApp(app, log, metrics);
  const server = http.createServer(app);
  const port = await listen(server, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}/api`;

  const ctx = (userId: string, who: Who = {}): RequestContext => ({
    userId,
    name: `Name ${userId}`,
    role: who.role ?? 'user',
    requestId: crypto.randomUUID(),
    ...(who.phone ? { phone: who.phone } : {}),
    ...(who.socketId ? { socketId: who.socketId } : {}),
  });

  return {
    db: database.db,
    bus,
    broadcaster,
    rooms,
    online,
    created,
    messaging,
    instances,
    emergencies: first,
    baseUrl,
    ctx,
    token: (userId: string, who: Who = {}) =>
      signToken(SECRET, userId, {
        name: `Name ${userId}`,
        role: who.role ?? 'user',
        ...(who.phone ? { phone: who.phone } : {}),
      }),
    ask: <T = unknown>(command: string, payload: unknown, userId: string, who: Who = {}) =>
      untypedBus(bus).request('notification', command, payload, ctx(userId, who)) as Promise<T>,
    async rest<T = Record<string, unknown>>(method: string, path: string, token?: string, body?: unknown) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
    async stop() {
      server.close();
      await Promise.all(instances.map((e) => e.close()));
      await bus.close();
      if (!options.database) await database.drop();
    },
  };
}

export type AlertsHarness = Awaited<ReturnType<typeof startAlertsHarness>>;
