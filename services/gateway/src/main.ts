// Cluster entry of one gateway replica: Redis bus, Redis adapter, Redis rate limits, and the
// operations endpoints on the same port as Socket.IO. The embedded mode wires startGateway itself.
import http from 'node:http';
import os from 'node:os';
import { createAdapter } from '@socket.io/redis-adapter';
import { RedisBus } from '@switchboard/bus';
import { type ClusterConfig, ClusterConfigSchema, loadConfigOrExit, onShutdown } from '@switchboard/host';
import {
  createHttpApp,
  createLogger,
  createMetrics,
  createRedis,
  createTokenVerifier,
  finishHttpApp,
  type Logger,
  listen,
  socketIoKey,
} from '@switchboard/runtime';
import { createRedisRateLimiter, createStatsRouter, type RunningGateway, startGateway } from './index.ts';

async function run(config: ClusterConfig, gatewayId: string, baseLog: Logger): Promise<void> {
  const log = baseLog.child({ gatewayId });
  const metrics = createMetrics('gateway');
  const redis = createRedis(config.REDIS_URL, log, 'gateway:main');
  const busSubscriber = createRedis(config.REDIS_URL, log, 'gateway:bus-sub');
  const adapterPub = createRedis(config.REDIS_URL, log, 'gateway:adapter-pub');
  const adapterSub = createRedis(config.REDIS_URL, log, 'gateway:adapter-sub');
  const bus = new RedisBus({
    redis,
    subscriber: busSubscriber,
    prefix: config.REDIS_PREFIX,
    consumer: `gateway-${gatewayId}`,
    log,
    metrics,
    timeoutMs: config.BUS_TIMEOUT_MS,
  });

  // The express app must be the request listener before Socket.IO attaches (it keeps /socket.io/).
  let gateway: RunningGateway | undefined;
  const app = createHttpApp({
    log,
    metrics,
    checks: { redis: async () => void (await redis.ping()) },
    isAccepting: () => gateway?.isAccepting() ?? false,
  });
  const server = http.createServer(app);
  gateway = await startGateway({
    config,
    log: baseLog,
    metrics,
    bus,
    verifier: createTokenVerifier({ secret: config.JWT_SECRET, publicKey: config.JWT_PUBLIC_KEY }),
    httpServer: server,
    gatewayId,
    rateLimiter: createRedisRateLimiter(redis, config.REDIS_PREFIX),
    adapter: createAdapter(adapterPub, adapterSub, { key: socketIoKey(config.REDIS_PREFIX) }),
  });
  // Routes are read per request, so mounting after Socket.IO attached is fine.
  const stats = createStatsRouter({ io: gateway.io, bus, gatewayId, redis, prefix: config.REDIS_PREFIX, log });
  app.use('/api', stats.router);
  finishHttpApp(app, log, metrics);
  const port = await listen(server, config.SERVICE_PORT, config.HOST);
  log.info({ port }, 'listening');

  // This process owns the http server: stop taking new TCP connections first (nginx then sends
  // new clients to another replica), drain the gateway, then drop what is left.
  const running = gateway;
  onShutdown(log, async () => {
    server.close();
    await running.close();
    await stats.close();
    server.closeAllConnections();
    await bus.close();
    await Promise.allSettled([redis.quit(), busSubscriber.quit(), adapterPub.quit(), adapterSub.quit()]);
  });
}

const config = loadConfigOrExit('gateway', ClusterConfigSchema);
const gatewayId = config.GATEWAY_ID ?? `${os.hostname()}-${process.pid}`;
const log = createLogger({ service: 'gateway', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
try {
  await run(config, gatewayId, log);
} catch (error) {
  log.fatal({ err: error, gatewayId }, 'failed to start');
  process.exit(1);
}
