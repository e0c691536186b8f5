export * from './build.ts';
export * from './database.ts';
export * from './log.ts';
export * from './recording-broadcaster.ts';
export * from './redis.ts';
export * from './wait.ts';
export * from './webhook-receiver.ts';
