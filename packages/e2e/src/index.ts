export * from './client.ts';
export * from './cluster-harness.ts';
