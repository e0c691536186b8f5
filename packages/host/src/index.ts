export * from './run-process.ts';
export * from './service.ts';
export * from './shutdown.ts';
