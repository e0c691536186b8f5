import http from 'node:http';
import os from 'node:os';
import { RedisBus } from '@switchboard/bus';
import { createDb, pingDb } from '@switchboard/db';
import {
  BaseConfigSchema,
  ConfigError,
  countingBroadcaster,
  createHttpApp,
  createLogger,
  createMetrics,
  createRedis,
  createRedisBroadcaster,
  createTokenVerifier,
  finishHttpApp,
  type Logger,
  listen,
  parseEnv,
  postgresUrl,
} from '@switchboard/runtime';
import { z } from 'zod';
import type { ServiceModule } from './service.ts';
import { onShutdown } from './shutdown.ts';

export const ClusterConfigSchema = BaseConfigSchema.extend({
  REDIS_URL: z.string({ error: 'is required in cluster mode' }).url(),
  DATABASE_URL: postgresUrl(z.string({ error: 'is required in cluster mode' })),
  SERVICE_PORT: z.coerce.number().int().min(0).max(65535),
}).refine((c) => c.JWT_SECRET || c.JWT_PUBLIC_KEY, {
  message: 'JWT_SECRET or JWT_PUBLIC_KEY is required',
  path: ['JWT_SECRET'],
  // Run even when other variables are bad, so one start-up message lists every problem.
  when: (payload) => typeof payload.value === 'object' && payload.value !== null,
});
export type ClusterConfig = z.infer<typeof ClusterConfigSchema>;

/** Load config or print every problem at once and exit: the same for every process. */
export function loadConfigOrExit<S extends z.ZodType>(name: string, schema: S): z.infer<S> {
  try {
    return parseEnv(schema);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: refusing to start.\n${error.message}\nSee docs/configuration.md.\n`);
      process.exit(1);
    }
    throw error;
  }
}

export function consumerName(service: string): string {
  return `${service}-${os.hostname()}-${process.pid}`;
}

/** Start one service as its own process in cluster mode (Redis bus, Postgres, redis-emitter). */
export async function runServiceProcess(module: ServiceModule): Promise<void> {
  const config = loadConfigOrExit(module.name, ClusterConfigSchema);
  const log = createLogger({ service: module.name, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  try {
    await startServiceProcess(module, config, log);
  } catch (error) {
    log.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
}

async function startServiceProcess(module: ServiceModule, config: ClusterConfig, log: Logger): Promise<void> {
  const metrics = createMetrics(module.name);
  const redis = createRedis(config.REDIS_URL, log, `${module.name}:main`);
  const busRedis = createRedis(config.REDIS_URL, log, `${module.name}:bus`);
  const busSubscriber = createRedis(config.REDIS_URL, log, `${module.name}:bus-sub`);
  const db = createDb(config.DATABASE_URL, {
    onQuery: (operation, seconds) => metrics.dbLatency.observe({ operation }, seconds),
  });
  const bus = new RedisBus({
    redis: busRedis,
    subscriber: busSubscriber,
    prefix: config.REDIS_PREFIX,
    consumer: consumerName(module.name),
    log,
    metrics,
    timeoutMs: config.BUS_TIMEOUT_MS,
  });
  const broadcaster = countingBroadcaster(createRedisBroadcaster(redis, config.REDIS_PREFIX), metrics.eventsOut);
  const verifier = createTokenVerifier({ secret: config.JWT_SECRET, publicKey: config.JWT_PUBLIC_KEY });

  const service = await module.start({ config, log, metrics, bus, db, broadcaster, verifier, redis });
  const app = createHttpApp({
    log,
    metrics,
    checks: { redis: async () => void (await redis.ping()), postgres: () => pingDb(db), ...service.readiness },
  });
  if (service.router) app.use('/api', service.router);
  finishHttpApp(app, log, metrics);
  const server = http.createServer(app);
  const port = await listen(server, config.SERVICE_PORT, config.HOST);
  log.info({ port }, 'listening');

  onShutdown(log, async () => {
    server.close();
    await service.close();
    await bus.close();
    await db.$disconnect();
    await Promise.allSettled([redis.quit(), busRedis.quit(), busSubscriber.quit()]);
  });
}
