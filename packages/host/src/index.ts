export * from './config.ts';
export * from './lifecycle.ts';
export * from './run-process.ts';
export * from './service.ts';
export * from './shutdown.ts';
