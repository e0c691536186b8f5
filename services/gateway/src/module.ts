import { createAdapter } from '@socket.io/redis-adapter';
import type { EdgeDeps, EdgeModule } from '@switchboard/host';
import { devTokenRouter, duplicateRedis, iceServersRouter, socketIoKey } from '@switchboard/runtime';
import { Router } from 'express';
import { type RunningGateway, startGateway } from './gateway.ts';
import { createMemoryRateLimiter } from './rate-limit.ts';
import { failOpen } from './rate-limit-fail-open.ts';
import { createRedisRateLimiter } from './rate-limit-redis.ts';
import { createStatsRouter } from './stats/index.ts';

/**
 * The gateway as a process module: with Redis (cluster) it shares rooms through the Redis
 * adapter and rate limits through Redis; without (embedded) both live in memory. Serves
 * `GET /api/stats`, the dev sign-in and `GET /api/ice-servers`.
 */
async function start({
  config,
  log,
  metrics,
  bus,
  verifier,
  redis,
  httpServer,
  instanceId,
}: EdgeDeps): Promise<RunningGateway> {
  const prefix = config.REDIS_PREFIX;
  const adapterPub = redis && duplicateRedis(redis, log, 'gateway:adapter-pub');
  const adapterSub = redis && duplicateRedis(redis, log, 'gateway:adapter-sub');
  const gateway = await startGateway({
    config,
    log,
    metrics,
    bus,
    verifier,
    httpServer,
    gatewayId: instanceId,
    rateLimiter: redis ? failOpen(createRedisRateLimiter(redis, prefix), log) : createMemoryRateLimiter(),
    adapter: adapterPub && adapterSub ? createAdapter(adapterPub, adapterSub, { key: socketIoKey(prefix) }) : undefined,
  });
  const stats = createStatsRouter({ io: gateway.io, bus, gatewayId: instanceId, redis, prefix, log });
  // The dev-token endpoint lives with the gateways: they hold the secret the tokens must verify with.
  const router = Router()
    .use(stats.router)
    .use(devTokenRouter({ secret: config.JWT_SECRET, publicKey: config.JWT_PUBLIC_KEY }))
    .use(iceServersRouter({ iceServers: config.WEB_ICE_SERVERS, verifier }));
  return {
    ...gateway,
    router,
    async close() {
      await gateway.close();
      await stats.close();
      await Promise.allSettled([adapterPub?.quit(), adapterSub?.quit()]);
    },
  };
}

export const gatewayModule: EdgeModule<RunningGateway> = {
  name: 'gateway',
  kind: 'edge',
  instanceId: (config) => config.GATEWAY_ID,
  start,
};
