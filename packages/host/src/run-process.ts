import os from 'node:os';
import { RedisBus } from '@switchboard/bus';
import type { Db } from '@switchboard/db';
import {
  BaseConfigSchema,
  countingBroadcaster,
  createAppServer,
  createHttpApp,
  createLogger,
  createMetrics,
  createRedis,
  createRedisBroadcaster,
  createTokenVerifier,
  finishHttpApp,
  type Logger,
  listen,
  postgresUrl,
  type ReadinessCheck,
  type Redis,
} from '@switchboard/runtime';
import { z } from 'zod';
import { loadConfigOrExit } from './config.ts';
import { Lifecycle } from './lifecycle.ts';
import type { EdgeDeps, ProcessModule, RunningService } from './service.ts';
import { onShutdown } from './shutdown.ts';

const required = (what: string) => ({ error: `is required in cluster mode${what}` });
const jwtRequired = {
  message: 'JWT_SECRET or JWT_PUBLIC_KEY is required',
  path: ['JWT_SECRET'],
  // Run even when other variables are bad, so one start-up message lists every problem.
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

/** A cluster process's config: Redis, its port and a JWT key; Postgres unless it is the edge. */
export const EdgeConfigSchema = BaseConfigSchema.extend({
  REDIS_URL: z.string(required('')).url(),
  SERVICE_PORT: z.coerce.number().int().min(0).max(65535),
}).refine((c) => c.JWT_SECRET || c.JWT_PUBLIC_KEY, jwtRequired);
export const ClusterConfigSchema = BaseConfigSchema.extend({
  REDIS_URL: z.string(required('')).url(),
  DATABASE_URL: postgresUrl(z.string(required(''))),
  SERVICE_PORT: z.coerce.number().int().min(0).max(65535),
}).refine((c) => c.JWT_SECRET || c.JWT_PUBLIC_KEY, jwtRequired);
export type ClusterConfig = z.infer<typeof EdgeConfigSchema>;

/**
 * The whole `src/main.ts` of a cluster process (every service, and the gateway): config, then
 * its parts started in dependency order through one `Lifecycle` — Redis, bus, Postgres, HTTP,
 * the module, the listener — and closed in reverse on SIGTERM/SIGINT.
 */
export async function runServiceProcess(module: ProcessModule): Promise<void> {
  const config: ClusterConfig = loadConfigOrExit(
    module.name,
    module.kind === 'edge' ? EdgeConfigSchema : ClusterConfigSchema,
  );
  const log = createLogger({ service: module.name, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const life = new Lifecycle(log);
  // Registered first: a signal during start-up still closes what has started.
  onShutdown(log, () => life.close());
  try {
    await startProcess(module, config, log, life);
  } catch (error) {
    log.fatal({ err: error }, 'failed to start');
    await life.close();
    process.exit(1);
  }
}

async function startProcess(module: ProcessModule, config: ClusterConfig, log: Logger, life: Lifecycle): Promise<void> {
  const instanceId =
    (module.kind === 'edge' ? module.instanceId?.(config) : undefined) ?? `${os.hostname()}-${process.pid}`;
  const metrics = createMetrics(module.name, { hopTraceEvery: config.HOP_TRACE_EVERY });
  const quit = (redis: { quit(): Promise<unknown> }) => redis.quit().catch(() => undefined);
  const redis = await life.add('redis', () => createRedis(config.REDIS_URL, log, `${module.name}:main`), {
    stop: quit,
  });
  const busRedis = await life.add('redis (bus)', () => createRedis(config.REDIS_URL, log, `${module.name}:bus`), {
    stop: quit,
  });
  const busSubscriber = await life.add(
    'redis (bus replies)',
    () => createRedis(config.REDIS_URL, log, `${module.name}:bus-sub`),
    { stop: quit },
  );
  const bus = await life.add(
    'bus',
    () =>
      new RedisBus({
        redis: busRedis,
        subscriber: busSubscriber,
        prefix: config.REDIS_PREFIX,
        consumer: `${module.name}-${instanceId}`,
        log,
        metrics,
        timeoutMs: config.BUS_TIMEOUT_MS,
        partitions: config.BUS_PARTITIONS,
        leaseMs: config.BUS_LEASE_MS,
      }),
    { drain: (b) => b.drain(), stop: (b) => b.close() },
  );
  const checks: Record<string, ReadinessCheck> = { redis: async () => void (await redis.ping()) };
  let db: Db | undefined;
  if (module.kind !== 'edge') {
    const databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) throw new Error('DATABASE_URL is required'); // the schema refused this already
    // Imported here, not at the top: the edge (gateways) never opens Postgres, and Prisma's client
    // with its WebAssembly query compiler is the largest part of an idle process's memory.
    const { createDb, pingDb } = await import('@switchboard/db');
    const pool = await life.add(
      'postgres',
      () =>
        createDb(databaseUrl, { onQuery: (operation, seconds) => metrics.dbLatency.observe({ operation }, seconds) }),
      {
        stop: (d) => d.$disconnect(),
      },
    );
    checks.postgres = () => pingDb(pool);
    db = pool;
  }

  let running: RunningService | undefined;
  const app = createHttpApp({ log, metrics, checks, isAccepting: () => running?.isAccepting?.() ?? true });
  const httpServer = await life.add('http', () => createAppServer(app), {
    stop: (server) => server.closeAllConnections(),
  });
  const deps: EdgeDeps = {
    config,
    log,
    metrics,
    bus,
    redis,
    httpServer,
    instanceId,
    verifier: createTokenVerifier({ secret: config.JWT_SECRET, publicKey: config.JWT_PUBLIC_KEY }),
  };
  running = await life.add(module.name, () => startModule(module, deps, db, redis, config.REDIS_PREFIX), {
    drain: (service) => service.drain?.(),
    stop: (service) => service.close(),
    drainTimeoutMs: (service) => service.drainTimeoutMs,
  });
  Object.assign(checks, running.readiness);
  if (running.router) app.use('/api', running.router);
  finishHttpApp(app, log, metrics);
  // Draining the listener first makes nginx send new clients to another replica at once.
  const port = await life.add('listener', () => listen(httpServer, config.SERVICE_PORT, config.HOST), {
    drain: () => void httpServer.close(),
  });
  log.info({ port }, 'listening');
}

function startModule(
  module: ProcessModule,
  deps: EdgeDeps,
  db: Db | undefined,
  redis: Redis,
  prefix: string,
): Promise<RunningService> {
  if (module.kind === 'edge') return module.start(deps);
  if (!db) throw new Error(`${module.name} needs Postgres`);
  const broadcaster = countingBroadcaster(createRedisBroadcaster(redis, prefix), deps.metrics.eventsOut);
  const { httpServer: _server, instanceId: _id, ...common } = deps;
  return module.start({ ...common, db, broadcaster });
}
