export { ioBroadcaster } from './broadcaster.ts';
export { type GatewayDeps, type RunningGateway, startGateway } from './gateway.ts';
export { gatewayModule } from './module.ts';
export { createMemoryRateLimiter, RATE_WINDOW_MS, type RateLimiter } from './rate-limit.ts';
export { createRedisRateLimiter } from './rate-limit-redis.ts';
export { createStatsRouter, type StatsBody } from './stats/index.ts';
export type { GatewayServer, GatewaySocket, SocketData } from './types.ts';
