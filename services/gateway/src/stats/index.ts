export { createStatsRouter, type StatsBody, type StatsDeps } from './router.ts';
export { RateWindow } from './rate-window.ts';
export { STALE_AFTER_MS, type GatewayEntry, type GatewayRegistry } from './gateway-registry.ts';
