export * from './timer-store.ts';
export * from './timer-worker.ts';
