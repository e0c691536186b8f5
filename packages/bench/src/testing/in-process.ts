// Test support (not a test file): the gateway and the messaging service in one process, each
// with its own metrics registry served at /metrics on its own port, as in the cluster.
import http from 'node:http';
import { type Bus, MemoryBus, RedisBus } from '@switchboard/bus';
import { createMemoryRateLimiter, createStatsRouter, ioBroadcaster, startGateway } from '@switchboard/gateway';
import { start as startMessaging } from '@switchboard/messaging';
import type { ClientToServerEvents, ServerToClientEvents } from '@switchboard/protocol';
import {
  BaseConfigSchema,
  createHttpApp,
  createMetrics,
  createTokenVerifier,
  finishHttpApp,
  listen,
  type Metrics,
  signToken,
} from '@switchboard/runtime';
import { createTestDatabase, type TestDatabase, testLogger, testRedis } from '@switchboard/testkit';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { io as connectClient, type Socket } from 'socket.io-client';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const SECRET = 'bench-metrics-secret';

export interface InProcessSwitchboard {
  gatewayUrl: string;
  messagingUrl: string;
  connect(userId: string): Promise<Client>;
  close(): Promise<void>;
}

/** `bus: 'memory'` is the embedded mode's bus; `{ prefix }` puts a RedisBus under that prefix. */
export async function startInProcess(
  busKind: 'memory' | { prefix: string },
  options: { hopTraceEvery?: number } = {},
): Promise<InProcessSwitchboard> {
  const log = testLogger('bench-metrics');
  const config = BaseConfigSchema.parse({ JWT_SECRET: SECRET, LOG_LEVEL: 'silent', SHUTDOWN_GRACE_MS: '0' });
  const verifier = createTokenVerifier({ secret: SECRET });
  const gatewayMetrics = createMetrics('gateway', options);
  const messagingMetrics = createMetrics('messaging', options);
  const redisConnections: Redis[] = [];
  const makeBus = (name: string, metrics: Metrics): Bus => {
    if (busKind === 'memory') return sharedMemoryBus;
    const redis = testRedis();
    const subscriber = testRedis();
    redisConnections.push(redis, subscriber);
    return new RedisBus({
      redis,
      subscriber,
      prefix: busKind.prefix,
      consumer: `${name}-${process.pid}`,
      log,
      metrics,
      timeoutMs: 5000,
    });
  };
  const sharedMemoryBus = new MemoryBus({ log });
  const gatewayBus = makeBus('gateway', gatewayMetrics);
  const messagingBus = makeBus('messaging', messagingMetrics);
  const database: TestDatabase = await createTestDatabase('bench_metrics');

  const gatewayApp = createHttpApp({ log, metrics: gatewayMetrics });
  const gatewayServer = http.createServer(gatewayApp);
  const gateway = await startGateway({
    config,
    log,
    metrics: gatewayMetrics,
    bus: gatewayBus,
    verifier,
    httpServer: gatewayServer,
    gatewayId: 'gw-metrics',
    rateLimiter: createMemoryRateLimiter(),
  });
  const stats = createStatsRouter({ io: gateway.io, bus: gatewayBus, gatewayId: 'gw-metrics', prefix: 'unused:', log });
  gatewayApp.use('/api', stats.router);
  finishHttpApp(gatewayApp, log, gatewayMetrics);

  const messaging = await startMessaging({
    config,
    log,
    metrics: messagingMetrics,
    bus: messagingBus,
    db: database.db,
    broadcaster: ioBroadcaster(gateway.io),
    verifier,
  });
  const messagingApp: Express = createHttpApp({ log, metrics: messagingMetrics });
  finishHttpApp(messagingApp, log, messagingMetrics);
  const messagingServer = http.createServer(messagingApp);

  const gatewayPort = await listen(gatewayServer, 0, '127.0.0.1');
  const messagingPort = await listen(messagingServer, 0, '127.0.0.1');
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const clients: Client[] = [];

  return {
    gatewayUrl,
    messagingUrl: `http://127.0.0.1:${messagingPort}`,
    async connect(userId) {
      const client: Client = connectClient(gatewayUrl, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { token: signToken(SECRET, userId, { name: userId }) },
      });
      clients.push(client);
      await new Promise<void>((resolve, reject) => {
        client.once('connected', () => resolve());
        client.once('connect_error', reject);
      });
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await stats.close();
      await gateway.close();
      await messaging.close();
      await Promise.all([...new Set([gatewayBus, messagingBus, sharedMemoryBus])].map((b) => b.close()));
      await Promise.all(
        [gatewayServer, messagingServer].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
      await database.drop();
      await Promise.all(redisConnections.map((c) => c.quit().catch(() => undefined)));
    },
  };
}

/**
 * Sum of the samples of one metric in Prometheus text whose labels include `labels`
 * (0 when there is none: a counter that never moved is not printed with labels).
 */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total += Number(match[3]);
  }
  return total;
}
