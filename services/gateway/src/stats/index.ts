export { type GatewayEntry, type GatewayRegistry, STALE_AFTER_MS } from './gateway-registry.ts';
export { RateWindow } from './rate-window.ts';
export { createStatsRouter, type StatsBody, type StatsDeps } from './router.ts';
