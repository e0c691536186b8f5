export * from './app-error.ts';
export * from './auth.ts';
export * from './broadcaster.ts';
export * from './config.ts';
export * from './http.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './redis.ts';
